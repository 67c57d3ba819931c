"""Synpunkter och klagomål (issue 23): the register, the chef's answer, measures, lex Sarah."""
