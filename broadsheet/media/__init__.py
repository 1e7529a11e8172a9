"""The media library: images uploaded once (stored once by their bytes' SHA-256), with alt text,
caption, credit and a focal point, and their renditions (several widths, a modern format plus a
JPEG fallback, cropped to a ratio around the focal point) generated once by a task and reused.

Content tier, below newsroom (which points its articles at an Image): it imports only core, and
finds what refers to an image through Django's relations, never by importing the referrer.
"""
