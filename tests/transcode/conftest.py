"""Fixtures for transcoder tests."""

from tests.media.media_files import ffmpeg_path, sample_flv

__all__ = ["ffmpeg_path", "sample_flv"]
