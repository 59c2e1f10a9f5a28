"""The cashdesk front ends: the command line, settings, display formatting and (later) the App."""
