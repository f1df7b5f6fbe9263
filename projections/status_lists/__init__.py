"""Each certificate's slot in the published status lists, and whether it is revoked."""
