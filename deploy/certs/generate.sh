#!/bin/sh
# Makes the webhook's serving certificate for `kubectl apply -k deploy/`, with openssl:
#   ca.crt  ca.key   a private CA (ten years); keep ca.key to re-issue, or delete it
#   tls.crt tls.key  the webhook's certificate (825 days) for the Service's DNS names
# Usage: sh deploy/certs/generate.sh [output-dir]   (default: the directory of this script)
# Re-running replaces all four files.
set -eu
out=${1:-$(dirname "$0")}
service=lanyard-webhook
namespace=lanyard
umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
  -subj "/CN=Lanyard webhook CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null

# The API server calls the webhook at https://<service>.<namespace>.svc:443.
cat > "$tmp/ext.cnf" <<CNF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:$service.$namespace.svc,DNS:$service.$namespace.svc.cluster.local
CNF
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$service.$namespace.svc" \
  -keyout "$out/tls.key" -out "$tmp/tls.csr" 2>/dev/null
openssl x509 -req -sha256 -days 825 -in "$tmp/tls.csr" \
  -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -CAserial "$tmp/ca.srl" \
  -extfile "$tmp/ext.cnf" -out "$out/tls.crt" 2>/dev/null
chmod 644 "$out/ca.crt" "$out/tls.crt"
echo "wrote $out/ca.crt, $out/ca.key, $out/tls.crt, $out/tls.key"
