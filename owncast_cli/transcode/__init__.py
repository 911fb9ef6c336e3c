"""The transcoder: ffmpeg command lines and progress parsing for the live HLS pipeline."""
