"""Activity statistics: sign-ups, attendance and minutes per shift, and per activity."""
