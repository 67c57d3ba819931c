"""The unit's inbox of e-ansökningar (issue 24) and the viewer of their attachments."""
