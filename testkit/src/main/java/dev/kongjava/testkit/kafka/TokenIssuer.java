package dev.kongjava.testkit.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeDelegationTokenOptions;
import org.apache.kafka.common.KafkaFuture;

/** Issues delegation tokens through an admin client that is logged in as the token's owner. */
final class TokenIssuer {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TokenIssuer() {}

    /**
     * Creates a token with the given (SASL-authenticated) admin settings and returns once the broker
     * lists it, because the broker learns about tokens from the metadata log a little after the
     * controller has created them, and a login before that fails.
     */
    static DelegationToken issue(Map<String, Object> ownerSettings) {
        try (Admin admin = Admin.create(ownerSettings)) {
            org.apache.kafka.common.security.token.delegation.DelegationToken token =
                    await(admin.createDelegationToken().delegationToken());
            String tokenId = token.tokenInfo().tokenId();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!listed(admin, tokenId)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("delegation token " + tokenId + " was created but the broker "
                            + "did not list it within " + TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(20);
            }
            return new DelegationToken(tokenId, token.hmacAsBase64String());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating a delegation token", e);
        }
    }

    private static boolean listed(Admin admin, String tokenId) throws InterruptedException {
        List<org.apache.kafka.common.security.token.delegation.DelegationToken> tokens =
                await(admin.describeDelegationToken(new DescribeDelegationTokenOptions())
                        .delegationTokens());
        return tokens.stream().map(token -> token.tokenInfo().tokenId()).anyMatch(tokenId::equals);
    }

    private static <T> T await(KafkaFuture<T> future) throws InterruptedException {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("delegation token request failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "delegation token request timed out after " + TIMEOUT.toSeconds() + " s", e);
        }
    }
}
