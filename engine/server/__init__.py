"""`imrcheck serve`: a local web app and JSON API over the engine (see docs/serve.md).

    from engine.server import create_app
"""

from engine.server.app import MAX_BODY_BYTES, MAX_UPLOAD_BYTES, create_app

__all__ = ["MAX_BODY_BYTES", "MAX_UPLOAD_BYTES", "create_app"]
