"""Staff: who organises which organisation now, for the list of an organisation's organisers."""
