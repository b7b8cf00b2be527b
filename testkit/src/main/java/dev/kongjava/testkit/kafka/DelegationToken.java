package dev.kongjava.testkit.kafka;

/**
 * A Kafka delegation token issued by a test broker. Clients log in with SCRAM-SHA-256 (or -512)
 * using the token id as user name, the HMAC as password and {@code tokenauth="true"}.
 *
 * @param tokenId the token id, used as SCRAM user name
 * @param hmacBase64 the token's HMAC in Base64, used as SCRAM password
 */
public record DelegationToken(String tokenId, String hmacBase64) {

    /**
     * The {@code sasl.jaas.config} value for logging in with this token.
     *
     * @return a {@code ScramLoginModule} configuration with {@code tokenauth="true"}
     */
    public String scramJaasConfig() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + tokenId
                + "\" password=\"" + hmacBase64 + "\" tokenauth=\"true\";";
    }

    @Override
    public String toString() {
        return "DelegationToken[tokenId=" + tokenId + ", hmacBase64=****]";
    }
}
