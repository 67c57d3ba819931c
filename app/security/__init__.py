"""Who is acting and what they may do: login and accounts, access to cases, the audit log
and its review, secrets in the keyring, logging in on the shared server."""
