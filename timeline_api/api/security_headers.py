"""Security headers on every response; pages get a policy their local assets satisfy."""

from flask import Flask, Response

# Pages (the demo page, Swagger UI) load scripts, styles and images from this origin only.
# Swagger UI sets style attributes and draws icons from data: URIs, hence those two allowances.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Everything else is data: nothing in it may run or load anything.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        policy = PAGE_POLICY if response.mimetype == "text/html" else DATA_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
