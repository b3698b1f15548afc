package io.streamscale.yarn;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.client.deployment.ClusterSpecification;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.client.program.ClusterClientProvider;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.DeploymentOptionsInternal;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.yarn.YarnClientYarnClusterInformationRetriever;
import org.apache.flink.yarn.YarnClusterDescriptor;
import org.apache.flink.yarn.configuration.YarnConfigOptions;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * Deploys a Flink session cluster as a YARN application with Flink's own YARN deployment code
 * ({@link YarnClusterDescriptor#deploySessionCluster}), detached, and reports or kills it.
 *
 * <pre>
 * start  --yarn-conf DIR --flink-conf DIR --dist-jar JAR --name NAME
 *        --jobmanager-memory-mb N --taskmanager-memory-mb N --slots N [--queue Q]
 * stop   --yarn-conf DIR --flink-conf DIR --application-id ID
 * status --yarn-conf DIR --application-id ID
 * </pre>
 *
 * <p>The Flink libraries shipped to the containers are those of {@code FLINK_LIB_DIR} (and
 * {@code FLINK_PLUGINS_DIR}), as with Flink's own {@code yarn-session.sh}. Each command prints
 * one line {@code STREAMSCALE_YARN_RESULT <json>} on standard output: {@code applicationId},
 * {@code restUrl}, {@code state}, {@code finalStatus}, {@code trackingUrl},
 * {@code diagnostics}. Logs go where log4j's configuration sends them, never to that line.
 */
public final class YarnLauncher {
    /** The prefix of the result line the Go side reads. */
    public static final String RESULT_PREFIX = "STREAMSCALE_YARN_RESULT ";

    private YarnLauncher() {}

    public static void main(String[] args) {
        LauncherArgs a;
        try {
            a = LauncherArgs.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("yarn-launcher: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            Map<String, String> result =
                    switch (a.command) {
                        case "start" -> start(a);
                        case "stop" -> stop(a);
                        default -> status(a);
                    };
            System.out.println(RESULT_PREFIX + Json.object(result));
            System.out.flush();
            System.exit(0);
        } catch (Exception e) {
            System.err.println("yarn-launcher: " + a.command + ": " + rootMessage(e));
            System.exit(1);
        }
    }

    /** Deploys the session and waits until YARN runs its JobManager. */
    static Map<String, String> start(LauncherArgs a) throws Exception {
        String flinkConfDir = a.required("flink-conf");
        Configuration flink = GlobalConfiguration.loadConfiguration(flinkConfDir);
        flink.set(DeploymentOptions.TARGET, "yarn-session");
        flink.set(DeploymentOptions.ATTACHED, false);
        flink.set(DeploymentOptionsInternal.CONF_DIR, flinkConfDir);
        flink.set(YarnConfigOptions.FLINK_DIST_JAR, new File(a.required("dist-jar")).toURI().toString());
        flink.set(YarnConfigOptions.APPLICATION_NAME, a.required("name"));
        flink.set(YarnConfigOptions.APPLICATION_TYPE, "Apache Flink");
        String queue = a.optional("queue", "");
        if (!queue.isEmpty()) {
            flink.set(YarnConfigOptions.APPLICATION_QUEUE, queue);
        }
        ClusterSpecification spec =
                new ClusterSpecification.ClusterSpecificationBuilder()
                        .setMasterMemoryMB(a.positiveInt("jobmanager-memory-mb"))
                        .setTaskManagerMemoryMB(a.positiveInt("taskmanager-memory-mb"))
                        .setSlotsPerTaskManager(a.positiveInt("slots"))
                        .createClusterSpecification();
        try (Yarn yarn = Yarn.connect(a.required("yarn-conf"));
                YarnClusterDescriptor descriptor = yarn.descriptor(flink)) {
            ClusterClientProvider<ApplicationId> provider = descriptor.deploySessionCluster(spec);
            try (ClusterClient<ApplicationId> client = provider.getClusterClient()) {
                ApplicationId id = client.getClusterId();
                Map<String, String> out = report(yarn.client.getApplicationReport(id));
                out.put("restUrl", client.getWebInterfaceURL());
                return out;
            }
        }
    }

    /** Kills the application through YARN (Flink's descriptor also removes its staging files). */
    static Map<String, String> stop(LauncherArgs a) throws Exception {
        ApplicationId id = ApplicationId.fromString(a.required("application-id"));
        Configuration flink = GlobalConfiguration.loadConfiguration(a.required("flink-conf"));
        try (Yarn yarn = Yarn.connect(a.required("yarn-conf"));
                YarnClusterDescriptor descriptor = yarn.descriptor(flink)) {
            ApplicationReport before = yarn.client.getApplicationReport(id);
            switch (before.getYarnApplicationState()) {
                case FINISHED, FAILED, KILLED -> {
                    return report(before);
                }
                default -> descriptor.killCluster(id);
            }
            return report(yarn.client.getApplicationReport(id));
        }
    }

    /** The application's YARN report. */
    static Map<String, String> status(LauncherArgs a) throws Exception {
        ApplicationId id = ApplicationId.fromString(a.required("application-id"));
        try (Yarn yarn = Yarn.connect(a.required("yarn-conf"))) {
            return report(yarn.client.getApplicationReport(id));
        }
    }

    private static Map<String, String> report(ApplicationReport r) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("applicationId", r.getApplicationId().toString());
        out.put("name", r.getName());
        out.put("state", r.getYarnApplicationState().name());
        out.put("finalStatus", r.getFinalApplicationStatus().name());
        out.put("trackingUrl", r.getTrackingUrl());
        out.put("originalTrackingUrl", r.getOriginalTrackingUrl());
        out.put("diagnostics", r.getDiagnostics());
        out.put("restUrl", "");
        return out;
    }

    private static String rootMessage(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            b.append(": ").append(c.getMessage());
        }
        return b.toString().replace('\n', ' ');
    }

    /** A started YARN client configured from a HADOOP_CONF_DIR-style directory. */
    private static final class Yarn implements AutoCloseable {
        final YarnConfiguration conf;
        final YarnClient client;

        private Yarn(YarnConfiguration conf, YarnClient client) {
            this.conf = conf;
            this.client = client;
        }

        static Yarn connect(String confDir) {
            YarnConfiguration conf = new YarnConfiguration();
            for (String f : new String[] {"core-site.xml", "hdfs-site.xml", "yarn-site.xml"}) {
                File file = new File(confDir, f);
                if (file.isFile()) {
                    conf.addResource(new Path(file.toURI()));
                }
            }
            YarnClient client = YarnClient.createYarnClient();
            client.init(conf);
            client.start();
            return new Yarn(conf, client);
        }

        YarnClusterDescriptor descriptor(Configuration flink) {
            return new YarnClusterDescriptor(
                    flink,
                    conf,
                    client,
                    YarnClientYarnClusterInformationRetriever.create(client),
                    true);
        }

        @Override
        public void close() {
            client.stop();
        }
    }
}
