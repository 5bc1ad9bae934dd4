package dev.ferry.core.preflight;

import dev.ferry.core.procedure.Servers;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.After;
import java.util.ArrayList;
import java.util.List;

/**
 * Replication links ferry creates (b follows a, c follows b, a follows b afterwards) are made by the servers, not
 * by ferry: a replica speaks TLS to its master only with {@code tls-replication yes}, and ferry gives it the port
 * from the spec. Both ends must agree, or the link never comes up.
 */
public final class TlsChecks {
    private static final String NAME = "tls replication";

    private TlsChecks() {
    }

    public static CheckResult replication(Survey survey) {
        Servers servers = survey.servers();
        List<Link> links = new ArrayList<>(List.of(new Link(servers.b(), servers.a())));
        servers.c().ifPresent(c -> links.add(new Link(c, servers.b())));
        if (survey.spec().after().source() == After.SourceFate.REPLICA) {
            links.add(new Link(servers.a(), servers.b()));
        }
        List<String> tls = new ArrayList<>();
        for (Link link : links) {
            CheckResult problem = link.check();
            if (problem != null) {
                return problem;
            }
            if (link.masterTls()) {
                tls.add(link.replica.label() + "->" + link.master.label());
            }
        }
        return CheckResult.pass(NAME, tls.isEmpty() ? "every replication link is plain TCP"
                : "replication over TLS: " + String.join(", ", tls));
    }

    private record Link(RedisNode replica, RedisNode master) {
        boolean masterTls() {
            return master.port() == number(Survey.config(master, "tls-port").orElse("0"));
        }

        boolean replicaTls() {
            return "yes".equals(Survey.config(replica, "tls-replication").orElse("no"));
        }

        CheckResult check() {
            String r = replica.label();
            String m = master.label();
            if (masterTls() && !replicaTls()) {
                boolean tlsOnly = number(Survey.config(master, "port").orElse("0")) == 0;
                return CheckResult.fail(NAME, r + " must reach " + m + " at its tls-port " + master.port()
                        + (tlsOnly ? " (" + m + " is TLS-only: port 0)" : "") + " but has tls-replication "
                        + (replica.version().atLeast(6, 0) ? "no" : "unsupported (" + replica.version() + ")"),
                        "CONFIG SET tls-replication yes on " + r + " (with its tls-cert-file, tls-key-file and"
                                + " tls-ca-cert-file set) and add it to " + r + "'s redis.conf");
            }
            if (!masterTls() && replicaTls()) {
                return CheckResult.fail(NAME, r + " has tls-replication yes but " + m + "'s port " + master.port()
                        + " in the spec is not its tls-port", "give " + m + "'s tls-port in the spec (with tls:),"
                        + " or CONFIG SET tls-replication no on " + r);
            }
            return null;
        }

        private static int number(String text) {
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
