package org.ntpguard.capture.publish;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks the cluster who it is, briefly, so that a sensor can say at once that its broker is not reachable instead of
 * going quiet while the producer retries. The answer is advisory: the producer retries either way.
 */
public final class BrokerProbe {

    private BrokerProbe() {
    }

    /**
     * @param config client settings (bootstrap servers, security); producer-only keys are ignored by the admin
     * @return true when a broker answered within {@code timeout}
     */
    public static boolean reachable(final Properties config, final Duration timeout) {
        final Properties admin = new Properties();
        admin.putAll(config);
        admin.remove("key.serializer");
        admin.remove("value.serializer");
        final int millis = (int) Math.max(1, timeout.toMillis());
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(millis));
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(millis));
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "ntpguard-sensor-probe");
        final Admin client = Admin.create(admin);
        try {
            client.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).clusterId()
                    .get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            client.close(Duration.ZERO);
        }
    }
}
