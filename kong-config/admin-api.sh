#!/bin/sh
# Enables kafka-upstream through Kong's Admin API (Kong with a database; DB-less Kong reads
# kong.yml instead). Every field of the original plugin's configuration is shown: the plaintext
# example sets every field that has a value on a plaintext broker, the secured example the
# authentication.* and security.* fields for a SASL_SSL broker with a client certificate.
#
#   KONG_ADMIN_URL=http://localhost:8001 ./admin-api.sh            # plaintext example
#   KONG_ADMIN_URL=http://localhost:8001 ./admin-api.sh secured    # SASL + TLS + mTLS example
#
# Then: curl -i -X POST http://localhost:8000/kafka -H 'Content-Type: application/json' -d '{"hello":"kafka"}'
# packaging/src/test/java/dev/kongjava/kafkaupstream/KongConfigExamplesTest.java validates every
# config.* line below against the plugin's schema.
set -eu
ADMIN=${KONG_ADMIN_URL:-http://localhost:8001}

plaintext() {
    # A service-less route: if the plugin server is ever unreachable, Kong answers with an error
    # instead of proxying the request to a Service (Kong fails open, see kong.conf).
    curl -sS --fail-with-body -X POST "$ADMIN/routes" \
        --data "name=kafka-upstream" \
        --data "paths[]=/kafka"

    curl -sS --fail-with-body -X POST "$ADMIN/routes/kafka-upstream/plugins" \
        --data "name=kafka-upstream" \
        --data "config.bootstrap_servers[1].host=localhost" \
        --data "config.bootstrap_servers[1].port=9092" \
        --data "config.topic=kong-upstream" \
        --data "config.timeout=10000" \
        --data "config.keepalive=60000" \
        --data "config.authentication.tokenauth=false" \
        --data "config.security.ssl=false" \
        --data "config.forward_method=true" \
        --data "config.forward_uri=true" \
        --data "config.forward_headers=true" \
        --data "config.forward_body=true" \
        --data "config.producer_request_acks=1" \
        --data "config.producer_request_timeout=2000" \
        --data "config.producer_request_limits_messages_per_request=200" \
        --data "config.producer_request_limits_bytes_per_request=1048576" \
        --data "config.producer_request_retries_max_attempts=10" \
        --data "config.producer_request_retries_backoff_timeout=100" \
        --data "config.producer_async=true" \
        --data "config.producer_async_flush_timeout=1000" \
        --data "config.producer_async_buffering_limits_messages_in_memory=50000"
}

secured() {
    # The client certificate for mTLS, as a Kong Certificate entity with a fixed id
    # (client.pem and client.key are your files).
    curl -sS --fail-with-body -X POST "$ADMIN/certificates" \
        --form "id=5b9e9a3c-1f0e-4c51-9d8e-7c2a4f6b1e20" \
        --form "cert=@client.pem" \
        --form "key=@client.key"

    curl -sS --fail-with-body -X POST "$ADMIN/routes" \
        --data "name=kafka-upstream-secured" \
        --data "paths[]=/kafka-secured"

    # The plugin server reads the certificate from the Admin API (--kong-admin-url, default
    # http://127.0.0.1:8001) and trusts the brokers' CA from --kafka-ca-bundle (kafka-upstream.conf).
    curl -sS --fail-with-body -X POST "$ADMIN/routes/kafka-upstream-secured/plugins" \
        --data "name=kafka-upstream" \
        --data "config.bootstrap_servers[1].host=kafka-1.example.com" \
        --data "config.bootstrap_servers[1].port=9094" \
        --data "config.bootstrap_servers[2].host=kafka-2.example.com" \
        --data "config.bootstrap_servers[2].port=9094" \
        --data "config.topic=kong-upstream" \
        --data "config.authentication.strategy=sasl" \
        --data "config.authentication.mechanism=SCRAM-SHA-256" \
        --data "config.authentication.tokenauth=false" \
        --data "config.authentication.user=kong" \
        --data "config.authentication.password=kong-secret" \
        --data "config.security.ssl=true" \
        --data "config.security.certificate_id=5b9e9a3c-1f0e-4c51-9d8e-7c2a4f6b1e20" \
        --data "config.forward_body=true"
}

case ${1:-plaintext} in
    plaintext) plaintext ;;
    secured) secured ;;
    *) echo "usage: $0 [plaintext|secured]" >&2; exit 2 ;;
esac
