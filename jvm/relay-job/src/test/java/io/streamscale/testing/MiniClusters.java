package io.streamscale.testing;

import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster the job tests share the shape of: one TaskManager with two slots. */
public final class MiniClusters {
    private MiniClusters() {}

    /**
     * A MiniCluster extension whose temporary files and REST uploads stay under Maven's
     * {@code target/} (the defaults would leave {@code flink-web-upload} behind in /tmp).
     */
    public static MiniClusterExtension oneTaskManagerTwoSlots() {
        Path tmp = Path.of("target", "minicluster-tmp").toAbsolutePath();
        Configuration conf = new Configuration();
        conf.set(CoreOptions.TMP_DIRS, tmp.toString());
        conf.set(WebOptions.UPLOAD_DIR, tmp.resolve("web-upload").toString());
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }
}
