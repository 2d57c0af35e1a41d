"""Professional frameworks (PCF, KSS) held as versioned data, never as code."""
