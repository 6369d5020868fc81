package dnd.cli;

import dnd.proto.ClusterReply;
import dnd.proto.Member;
import dnd.proto.ModelInfo;
import dnd.proto.ReplicaInfo;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dnd cluster}: members, roles, models, replicas and their health, as the coordinator sees them. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Show a running cluster: members, roles, models, replicas, health, refused replicas.")
final class ClusterCommand implements Callable<Integer> {

    @Option(names = "--coordinator", defaultValue = "localhost:7000", paramLabel = "HOST:PORT", description = "Default: ${DEFAULT-VALUE}.")
    String coordinator;

    @Override
    public Integer call() {
        try (ComposerClient client = new ComposerClient(coordinator)) {
            ClusterReply c = client.cluster();
            System.out.printf("coordinator %s: %d member(s), %d running job(s)%n", coordinator, c.getMembersCount(), c.getRunningJobs());
            System.out.println("members:");
            for (Member m : c.getMembersList())
                System.out.printf("  %-40s %-12s roles %s%n", m.getAddress(), m.getStatus(), String.join(",", m.getRolesList().stream().filter(r -> !r.startsWith("dc-")).toList()));
            System.out.println("models:");
            for (ModelInfo m : c.getModelsList()) {
                System.out.printf("  %-14s sha256 %-14s %d live replica(s)%n", m.getCard().getName(), abbrev(m.getCard().getSha256()), m.getReplicasCount());
                for (ReplicaInfo r : m.getReplicaDetailsList())
                    System.out.printf("    %-22s %-12s member %s  failures %d%s%n", r.getEndpoint(), r.getStatus(), r.getMember(), r.getFailures(),
                            r.getLastError().isEmpty() ? "" : "  last error: " + r.getLastError());
                for (String r : m.getRefusedList()) System.out.println("    REFUSED " + r);
            }
            return 0;
        } catch (StatusRuntimeException e) {
            System.err.println("dnd cluster: " + coordinator + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription());
            return 1;
        }
    }

    private static String abbrev(String s) { return s.length() > 12 ? s.substring(0, 12) : (s.isEmpty() ? "-" : s); }
}
