package dev.ferry.core.switching.keepalived;

import java.util.List;
import java.util.Optional;

/** The parts of a {@code vrrp_instance} block that decide where the VIP goes. */
public record VrrpInstance(ConfStatement block) {
    /** keepalived's default when an instance names no priority. */
    public static final int DEFAULT_PRIORITY = 100;

    public String name() {
        return block.arg(1).orElse("");
    }

    public Optional<String> virtualRouterId() {
        return value("virtual_router_id");
    }

    public int priority() {
        return value("priority").map(Integer::parseInt).orElse(DEFAULT_PRIORITY);
    }

    /** The line of the {@code priority} statement, or empty when the default applies. */
    public Optional<ConfStatement> priorityStatement() {
        return block.child("priority");
    }

    /** Seconds between adverts ({@code advert_int}, keepalived's default 1). */
    public double advertInt() {
        return value("advert_int").map(Double::parseDouble).orElse(1.0);
    }

    public boolean nopreempt() {
        return block.child("nopreempt").isPresent();
    }

    public Optional<String> interfaceName() {
        return value("interface");
    }

    /** The addresses of {@code virtual_ipaddress}, without their prefix length or options. */
    public List<String> vips() {
        return block.child("virtual_ipaddress").map(v -> v.children().stream()
                .map(s -> s.keyword().replaceAll("/.*", "")).toList()).orElse(List.of());
    }

    public List<String> unicastPeers() {
        return block.child("unicast_peer").map(v -> v.children().stream().map(ConfStatement::keyword).toList())
                .orElse(List.of());
    }

    /** Entries of track_script / track_file / track_process / track_interface that carry a non-zero weight. */
    public List<String> weightedTracks() {
        return block.children().stream().filter(s -> s.keyword().startsWith("track_"))
                .flatMap(s -> s.children().stream().filter(VrrpInstance::weighted)
                        .map(t -> s.keyword() + " " + String.join(" ", t.words())))
                .toList();
    }

    private static boolean weighted(ConfStatement entry) {
        int at = entry.words().indexOf("weight");
        return at >= 0 && at + 1 < entry.words().size() && !"0".equals(entry.words().get(at + 1));
    }

    private Optional<String> value(String keyword) {
        return block.child(keyword).flatMap(s -> s.arg(1));
    }
}
