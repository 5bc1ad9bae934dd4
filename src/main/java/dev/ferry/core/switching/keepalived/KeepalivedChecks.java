package dev.ferry.core.switching.keepalived;

import dev.ferry.core.procedure.Servers;
import java.util.ArrayList;
import java.util.List;

/** Preflight of the keepalived switch: read-only, on both hosts. */
final class KeepalivedChecks {
    private final KeepalivedSettings settings;
    private final Servers servers;
    private final KeepalivedConf aConf;
    private final KeepalivedConf bConf;

    KeepalivedChecks(KeepalivedSettings settings, Servers servers) {
        this.settings = settings;
        this.servers = servers;
        this.aConf = settings.source().load();
        this.bConf = settings.target().load();
    }

    static VrrpInstance instance(KeepalivedConf conf, String name, String host) {
        return conf.instance(name).orElseThrow(() -> new KeepalivedException("no vrrp_instance " + name + " in "
                + host + "'s " + String.join(", ", conf.files()) + ": fix switch.instance or the config"));
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        VrrpInstance a = instance(aConf, settings.instance(), "a");
        VrrpInstance b = instance(bConf, settings.instance(), "b");
        String vip = settings.vip();
        if (!a.virtualRouterId().equals(b.virtualRouterId())) {
            problems.add("virtual_router_id differs: a " + a.virtualRouterId().orElse("none") + ", b "
                    + b.virtualRouterId().orElse("none") + ": make them equal, or the VIP cannot move between them");
        }
        if (!a.vips().contains(vip) || !b.vips().contains(vip)) {
            problems.add("VIP " + vip + " is not in virtual_ipaddress of " + settings.instance() + " on "
                    + (a.vips().contains(vip) ? "b" : "a") + ": fix switch.vip or the config");
        }
        if (a.priority() <= b.priority()) {
            problems.add("a's priority " + a.priority() + " is not above b's " + b.priority()
                    + ": the VIP should be on a now; fix the priorities");
        }
        if (b.nopreempt()) {
            problems.add("b's " + settings.instance() + " has nopreempt: b would not take the VIP from a; remove it");
        }
        if (a.unicastPeers().isEmpty() != b.unicastPeers().isEmpty()) {
            problems.add("only " + (a.unicastPeers().isEmpty() ? "b" : "a") + " uses unicast_peer: the two keepalived "
                    + "would not hear each other; configure both the same way");
        }
        settings.source().handoverFile().ifPresent(file -> handoverProblem(a, file).ifPresent(problems::add));
        problems.addAll(new KeepalivedStartChecks(settings).problems(a.block().file(), b.block().file()));
        if (!settings.target().runs()) {
            problems.add("keepalived does not run on b's host ('" + settings.target().running()
                    + "' failed): start it, the VIP cannot move to a host without it");
        }
        if (!settings.source().holds(vip)) {
            problems.add("VIP " + vip + " is not on a's host: the applications do not reach a through it now");
        }
        if (settings.target().holds(vip)) {
            problems.add("VIP " + vip + " is on b's host already: two hosts hold it; fix VRRP before the move");
        }
        return problems;
    }

    /** The handover file must be tracked by a's instance with weight 0 and say 0 now (a not in FAULT). */
    private java.util.Optional<String> handoverProblem(VrrpInstance a, String file) {
        List<String> tracked = a.block().child("track_file").map(t -> t.children().stream()
                .map(ConfStatement::keyword).toList()).orElse(List.of());
        boolean ok = aConf.trackFiles().entrySet().stream().anyMatch(e -> e.getValue().equals(file)
                && tracked.contains(e.getKey()));
        if (!ok) {
            return java.util.Optional.of("a's " + settings.instance() + " does not track " + file + " (vrrp_track_file "
                    + "with file " + file + ", weight 0, listed in the instance's track_file): add it, or drop "
                    + "switch.source.handover-file");
        }
        String value = settings.source().handoverValue();
        return "0".equals(value) ? java.util.Optional.empty() : java.util.Optional.of("a's handover file " + file
                + " says " + value + ", not 0: a's instance is in FAULT; write 0 into it");
    }

    List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        VrrpInstance a = instance(aConf, settings.instance(), "a");
        VrrpInstance b = instance(bConf, settings.instance(), "b");
        List<String> tracks = new ArrayList<>(a.weightedTracks());
        tracks.addAll(b.weightedTracks());
        if (!tracks.isEmpty()) {
            warnings.add("weighted tracks can change the priorities after the swap (" + String.join("; ", tracks)
                    + "): make sure b stays above a whatever they report");
        }
        List<String> groups = new ArrayList<>(aConf.syncGroupsOf(settings.instance()));
        groups.addAll(bConf.syncGroupsOf(settings.instance()));
        if (!groups.isEmpty()) {
            warnings.add(settings.instance() + " is in vrrp_sync_group " + String.join(", ", groups.stream().distinct()
                    .toList()) + ": the group's other instances move with it");
        }
        warnings.addAll(new KeepalivedStartChecks(settings).warnings());
        peerWarning(a, servers.b().host(), "a").ifPresent(warnings::add);
        peerWarning(b, servers.a().host(), "b").ifPresent(warnings::add);
        return warnings;
    }

    /** The keepalived host may have another address than Redis: a mismatch is worth a look, not a stop. */
    private static java.util.Optional<String> peerWarning(VrrpInstance instance, String otherHost, String host) {
        if (instance.unicastPeers().isEmpty() || instance.unicastPeers().contains(otherHost)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(host + "'s unicast_peer " + instance.unicastPeers() + " does not list "
                + otherHost + ": check that the two keepalived reach each other");
    }
}
