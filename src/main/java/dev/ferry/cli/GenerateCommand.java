package dev.ferry.cli;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.generate.FirewallRules;
import dev.ferry.core.generate.Generated;
import dev.ferry.core.generate.KeepalivedPair;
import dev.ferry.core.generate.RedisConfClone;
import dev.ferry.core.journal.OutputPaths;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "generate", description = "Writes the files the seed procedure asks for by hand: keepalived configs "
        + "for a and b, b's redis.conf cloned from a, firewall rules for b and c.",
        subcommands = {GenerateCommand.Keepalived.class, GenerateCommand.RedisConf.class, GenerateCommand.Firewall.class})
final class GenerateCommand {

    /** Options every generator shares: an optional spec and where the files go. */
    static class Common {
        @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "the migration spec (YAML)")
        Path specFile;

        @Option(names = "--out", paramLabel = "DIR", description = "write the files into DIR (default: stdout)")
        Path out;

        @Option(names = "--allow-open-secret-files", description = "use password files that group or others can read "
                + "(refused by default, as ssh refuses such keys: chmod 600 FILE)")
        boolean allowOpenSecretFiles;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        Optional<Spec> spec() {
            return Optional.ofNullable(specFile).map(SpecLoader::load);
        }

        Spec requiredSpec() {
            return spec().orElseThrow(() -> new FerryException(ExitCode.BAD_SPEC,
                    cmd.name() + " needs the spec (ferry generate " + cmd.name() + " SPEC)"));
        }

        /** Before the spec is read or a server contacted: --out and every file it will hold must be writable. */
        void checkOut(String... names) {
            if (out != null) {
                OutputPaths.folder("--out", out);
                for (String name : names) {
                    OutputPaths.file("--out", out.resolve(name));
                }
            }
        }

        void emit(Generated files) {
            files.emit(Optional.ofNullable(out), cmd.commandLine().getOut());
        }
    }

    @Command(name = "keepalived", description = "The two keepalived configs of seed step 2 (a: higher priority).")
    static final class Keepalived extends Common implements Callable<Integer> {
        private static final String SOURCE_CONF = "keepalived-a.conf";
        private static final String TARGET_CONF = "keepalived-b.conf";

        @Option(names = "--vip", paramLabel = "IP/LEN", description = "the VIP with its prefix length "
                + "(default: the spec's switch.vip with /24)")
        String vip;

        @Option(names = "--instance", description = "vrrp_instance name (default: the spec's switch.instance, or VI_1)")
        String instance;

        @Option(names = "--interface", defaultValue = "eth0", description = "interface for VRRP (default: ${DEFAULT-VALUE})")
        String iface;

        @Option(names = "--virtual-router-id", defaultValue = "51", description = "1..255, unused on the LAN "
                + "(default: ${DEFAULT-VALUE})")
        int vrid;

        @Option(names = "--handover-file", paramLabel = "PATH", description = "a file both configs track with weight 0 "
                + "(create it with 0 first); with switch.source.handover-file ferry moves the VIP in under a second")
        String handoverFile;

        @Override
        public Integer call() {
            checkOut(SOURCE_CONF, TARGET_CONF);
            Map<String, Object> options = spec().map(s -> s.switchSpec().options()).orElse(Map.of());
            String address = vip != null ? vip : Optional.ofNullable(options.get("vip")).map(v -> v + "/24")
                    .orElseThrow(() -> new FerryException(ExitCode.BAD_SPEC, "no VIP: pass --vip 10.0.0.100/24 "
                            + "or give a spec with switch.vip"));
            String name = instance != null ? instance : String.valueOf(options.getOrDefault("instance", "VI_1"));
            KeepalivedPair pair;
            try {
                pair = KeepalivedPair.defaults(name, iface, vrid, address);
                if (handoverFile != null) {
                    pair = pair.withHandoverFile(handoverFile);
                }
            } catch (IllegalArgumentException e) {
                throw new FerryException(ExitCode.BAD_SPEC, "generate keepalived: " + e.getMessage());
            }
            emit(new Generated().add(SOURCE_CONF, pair.source()).add(TARGET_CONF, pair.target()));
            return 0;
        }
    }

    @Command(name = "redis-conf", description = "b's redis.conf cloned from a's live CONFIG GET *, per-host lines "
            + "flagged, secrets left out.")
    static final class RedisConf extends Common implements Callable<Integer> {
        @Override
        public Integer call() {
            checkOut("redis.conf");
            Spec spec = requiredSpec();
            try (Servers servers = Servers.of(spec, SecretSource.system(allowOpenSecretFiles), Servers.clientNameFor(spec.name()))) {
                RedisNode a = servers.a();
                List<?> reply = (List<?>) a.call("CONFIG", "GET", "*");
                Map<String, String> config = new LinkedHashMap<>();
                for (int i = 0; i + 1 < reply.size(); i += 2) {
                    config.put(RedisNode.asString(reply.get(i)), RedisNode.asString(reply.get(i + 1)));
                }
                emit(new Generated().add("redis.conf", RedisConfClone.render(a.address(), a.version().toString(), config)));
            }
            return 0;
        }
    }

    @Command(name = "firewall", description = "iptables and nftables rules for b and c: VRRP and the Redis port.")
    static final class Firewall extends Common implements Callable<Integer> {
        @Option(names = "--from", paramLabel = "CIDR", required = true, description = "clients allowed to the Redis "
                + "port (repeat for several)")
        List<String> sources;

        @Option(names = "--port", description = "the Redis port (default: the spec's target port, or 6379)")
        Integer port;

        @Override
        public Integer call() {
            checkOut("firewall.iptables.sh", "firewall.nft");
            int p = port != null ? port : spec().map(s -> s.target().port()).orElse(6379);
            FirewallRules rules;
            try {
                rules = new FirewallRules(p, sources);
            } catch (IllegalArgumentException e) {
                throw new FerryException(ExitCode.BAD_SPEC, "generate firewall: " + e.getMessage());
            }
            emit(new Generated().add("firewall.iptables.sh", rules.iptables()).add("firewall.nft", rules.nftables()));
            return 0;
        }
    }
}
