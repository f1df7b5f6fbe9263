"""The directory: organisations, volunteers and activities as people look them up."""
