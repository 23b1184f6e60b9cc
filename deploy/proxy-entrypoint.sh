#!/bin/sh
# The proxy container's start: fill deploy/nginx.conf's ${ALLIANCE_...} names from the
# environment (only those: nginx's own $names are left alone), then run nginx in the foreground.
set -eu
: "${ALLIANCE_UPSTREAM:=web:8000}"
: "${ALLIANCE_SERVER_NAME:=_}"
: "${ALLIANCE_HTTP_LISTEN:=80}"
: "${ALLIANCE_HTTPS_LISTEN:=443}"
: "${ALLIANCE_PUBLIC_HTTPS_PORT:=443}"
: "${ALLIANCE_TLS_CERT:=/etc/alliance/tls/cert.pem}"
: "${ALLIANCE_TLS_KEY:=/etc/alliance/tls/key.pem}"
: "${ALLIANCE_STATIC_ROOT:=/srv/static}"
: "${ALLIANCE_STATE:=/var/lib/alliance-proxy}"
# The container's own DNS server (compose's, Kubernetes'), which knows the web servers' names.
if [ -z "${ALLIANCE_RESOLVER:-}" ]; then
    ALLIANCE_RESOLVER=$(awk '$1 == "nameserver" { print ($2 ~ /:/ ? "[" $2 "]" : $2); exit }' /etc/resolv.conf)
fi
: "${ALLIANCE_RESOLVER:?no nameserver in /etc/resolv.conf: set ALLIANCE_RESOLVER}"
if [ "$ALLIANCE_PUBLIC_HTTPS_PORT" = 443 ]; then
    ALLIANCE_HTTPS_PORT_SUFFIX=""
else
    ALLIANCE_HTTPS_PORT_SUFFIX=":$ALLIANCE_PUBLIC_HTTPS_PORT"
fi
export ALLIANCE_UPSTREAM ALLIANCE_SERVER_NAME ALLIANCE_HTTP_LISTEN ALLIANCE_HTTPS_LISTEN \
    ALLIANCE_TLS_CERT ALLIANCE_TLS_KEY ALLIANCE_STATIC_ROOT ALLIANCE_STATE ALLIANCE_RESOLVER \
    ALLIANCE_HTTPS_PORT_SUFFIX
mkdir -p "$ALLIANCE_STATE"
chown www-data "$ALLIANCE_STATE"
envsubst "$(env | sed -n 's/^\(ALLIANCE_[A-Z_]*\)=.*/${\1}/p' | tr '\n' ' ')" \
    < /etc/alliance/nginx.conf.template > /etc/alliance/nginx.conf
exec nginx -g "daemon off;" -e stderr -p "$ALLIANCE_STATE" -c /etc/alliance/nginx.conf
