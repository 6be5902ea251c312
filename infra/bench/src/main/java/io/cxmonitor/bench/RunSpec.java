package io.cxmonitor.bench;

/**
 * The settings the benchmark hands a runner's child JVM (as one JSON argument).
 *
 * @param runner            {@link Runner#name()}
 * @param runId             distinguishes this benchmark run's consumer groups from earlier ones
 * @param bootstrapServers  the pre-filled broker
 * @param influxUrl         the influxd the jobs write to
 * @param expectedEvents    records in the runner's input topics: reading them all ends the drain
 * @param parallelism       of every job
 * @param checkpointSeconds checkpoint interval of the KPI jobs
 * @param checkpointDir     where the KPI jobs checkpoint (a file URI): the JobManager's memory holds 5 MB at most
 * @param resultFile        where the child appends one JSON {@link RunResult} per run
 * @param live              run the survey job unbounded on the live topic until standard input
 *                          closes (the latency probe), instead of two bounded runs
 * @param readyFile         in live mode: written once the job runs
 * @param stateBackend      {@link LocalFlink#HASHMAP} (heap state, full snapshots: the jobs' default) or
 *                          {@link LocalFlink#ROCKSDB} (RocksDB with incremental checkpoints: the clusters' configuration)
 */
public record RunSpec(String runner, String runId, String bootstrapServers, String influxUrl, long expectedEvents,
    int parallelism, int checkpointSeconds, String checkpointDir, String resultFile, boolean live, String readyFile,
    String stateBackend) {}
