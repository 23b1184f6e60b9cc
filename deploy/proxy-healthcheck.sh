#!/bin/bash
# The proxy image's HEALTHCHECK: nginx itself answers on its plain-HTTP port (/nginx-healthz,
# which never reaches the site), so a web server down leaves the proxy healthy. bash's
# /dev/tcp: the image needs no curl.
set -eu
exec 3<>"/dev/tcp/127.0.0.1/${ALLIANCE_HTTP_LISTEN:-80}"
printf 'GET /nginx-healthz HTTP/1.0\r\n\r\n' >&3
read -r -t 2 status <&3
[[ "$status" == *" 200 "* ]]
