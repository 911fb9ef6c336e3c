"""Fixtures for media tests."""

from tests.media.media_files import default_ffmpeg, each_ffmpeg, ffmpeg_path, sample_flv

__all__ = ["default_ffmpeg", "each_ffmpeg", "ffmpeg_path", "sample_flv"]
