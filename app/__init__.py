"""nnplay's web server: wraps the NumPy engine for browsers, scripts and classrooms."""
