"""The headers of statusgen.headers for hosts that do not read `_headers`: nginx, Caddy, and
S3 behind CloudFront. The user guide shows exactly these texts (a test compares them), so the
guide cannot drift from the rules the build writes into `_headers`.

They are written for a standalone site at the root of its host; every file under assets/
carries a content hash in its name, every other file is fresh, and every file that is not a
page (a path ending in / or .html) or an asset is data that any origin may read.
"""

from __future__ import annotations

import json

from . import headers, urls

SITE_ROOT = "/srv/status/site"
BUCKET = "s3://status-example-com"


def nginx() -> str:
    """A server block's worth of nginx: maps choose the values, one add_header each (nginx
    drops a server's add_header in any location that has its own, so none is in a location)."""
    common = headers.common_headers(headers.HOST_POLICY)
    lines = [
        "map $uri $statusgen_cache_control {",
        _map_line(f"~^/{urls.ASSETS}", headers.LONG_CACHE),
        _map_line("default", headers.SHORT_CACHE),
        "}",
        "map $uri $statusgen_allow_origin {",
        _map_line(f"~^/{urls.ASSETS}", ""),
        _map_line("~(/|\\.html)$", ""),
        _map_line("default", headers.ANY_ORIGIN),
        "}",
        "server {",
        "    # listen, server_name and TLS as for any site",
        f"    root {SITE_ROOT};",
        "    error_page 404 /404.html;",
        f"    location = /{urls.HOST_HEADERS} {{ return 404; }}",
        *(f'    location = /{path} {{ default_type "{value}"; }}' for path, value in headers.CONTENT_TYPES.items()),
        "    add_header Cache-Control $statusgen_cache_control always;",
        "    add_header Access-Control-Allow-Origin $statusgen_allow_origin always;",
        *(f'    add_header {name} "{value}" always;' for name, value in common.items()),
        "}",
    ]
    return "\n".join(lines) + "\n"


def _map_line(key: str, value: str) -> str:
    return f'    {key:<15} "{value}";'


def caddy() -> str:
    """A Caddyfile site block; the matchers never overlap, so no header depends on order."""
    common = headers.common_headers(headers.HOST_POLICY)
    lines = [
        "status.example.com {",
        f"\troot * {SITE_ROOT}",
        f"\trespond /{urls.HOST_HEADERS} 404",
        "\tfile_server",
        "\thandle_errors {",
        "\t\trewrite * /404.html",
        "\t\tfile_server",
        "\t}",
        "\theader {",
        *(f'\t\t{name} "{value}"' for name, value in common.items()),
        "\t}",
        f"\t@assets path /{urls.ASSETS}*",
        f'\theader @assets Cache-Control "{headers.LONG_CACHE}"',
        f"\t@fresh not path /{urls.ASSETS}*",
        f'\theader @fresh Cache-Control "{headers.SHORT_CACHE}"',
        f"\t@data not path /{urls.ASSETS}* */ *.html",
        f'\theader @data Access-Control-Allow-Origin "{headers.ANY_ORIGIN}"',
        *(f'\theader /{path} Content-Type "{value}"' for path, value in headers.CONTENT_TYPES.items()),
        "}",
    ]
    return "\n".join(lines) + "\n"


def s3_sync() -> str:
    """Upload commands: the fingerprinted assets first (a page never names a missing one), then
    everything else, fresh; old assets stay for the pages still in caches."""
    return (
        f'aws s3 sync site/{urls.ASSETS} {BUCKET}/{urls.ASSETS} --cache-control "{headers.LONG_CACHE}"\n'
        f'aws s3 sync site/ {BUCKET}/ --delete --exclude "{urls.ASSETS}*" --exclude "{urls.HOST_HEADERS}" \\\n'
        f'    --cache-control "{headers.SHORT_CACHE}"\n'
        + "".join(f'aws s3 cp site/{path} {BUCKET}/{path} --cache-control "{headers.SHORT_CACHE}" '
                  f'--content-type "{value}"\n' for path, value in headers.CONTENT_TYPES.items())
    )


def cloudfront_policy() -> str:
    """A CloudFront response headers policy (`aws cloudfront create-response-headers-policy
    --response-headers-policy-config file://...`) with the policy, nosniff, the referrer policy
    and CORS for any origin."""
    config = {
        "Name": "statusgen",
        "Comment": "How a statusgen site is served",
        "CorsConfig": {
            "AccessControlAllowOrigins": {"Quantity": 1, "Items": [headers.ANY_ORIGIN]},
            "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["*"]},
            "AccessControlAllowMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
            "AccessControlAllowCredentials": False,
            "OriginOverride": True,
        },
        "SecurityHeadersConfig": {
            "ContentSecurityPolicy": {"Override": True, "ContentSecurityPolicy": headers.HOST_POLICY},
            "ContentTypeOptions": {"Override": True},
            "ReferrerPolicy": {"Override": True, "ReferrerPolicy": headers.REFERRER_POLICY},
        },
    }
    return json.dumps(config, indent=2) + "\n"
