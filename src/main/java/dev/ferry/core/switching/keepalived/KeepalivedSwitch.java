package dev.ferry.core.switching.keepalived;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.procedure.Ticker;
import dev.ferry.core.procedure.TrafficSwitch;
import dev.ferry.core.procedure.TrafficSwitch;
import dev.ferry.core.redis.ClientInfo;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.switching.RunIdProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code switch: { type: keepalived }}: moves the VIP from a's host to b's by swapping the two keepalived
 * priorities (b higher, a lower, so the VIP does not float back: seed step 9) and reloading both, then waits
 * until the VIP is on b's host only and {@code vip:port} answers with b's run_id.
 *
 * <p>By default the VIP moves after a is demoted and its clients are closed ({@link Order#DEMOTE_FIRST}): a
 * client blocked on the paused a still reaches a, gets its connection closed, and retries until the VIP lands on
 * b. Moving the VIP first leaves those clients waiting for replies from a host that no longer holds the address
 * (a's FIN cannot reach them), so they hang until their socket timeout.
 */
public final class KeepalivedSwitch implements TrafficSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(KeepalivedSwitch.class);
    private static final Duration POLL = Duration.ofMillis(50);
    /** keepalived applies a SIGHUP asynchronously; 0.3 s was enough in every measured run, this leaves room. */
    private static final Duration RELOAD_SETTLE = Duration.ofSeconds(1);

    /** When the VIP moves relative to a's demotion. */
    public enum Order { DEMOTE_FIRST, MOVE_FIRST }

    private final KeepalivedSettings settings;
    private final Servers servers;
    private final Order order;
    private final Ticker ticker;
    private volatile Duration lastVipMove = Duration.ZERO;
    private volatile boolean edited;

    public KeepalivedSwitch(KeepalivedSettings settings, Servers servers, Order order) {
        this(settings, servers, order, Ticker.system());
    }

    /** {@code ticker} times the waits for the VIP (a fake one in tests). */
    public KeepalivedSwitch(KeepalivedSettings settings, Servers servers, Order order, Ticker ticker) {
        this.settings = settings;
        this.servers = servers;
        this.order = order;
        this.ticker = ticker;
    }

    private KeepalivedSide a() {
        return settings.source();
    }

    private KeepalivedSide b() {
        return settings.target();
    }

    @Override
    public String describe() {
        return "keepalived VIP " + settings.vip() + " (" + settings.instance() + ") from " + a().host().label()
                + " to " + b().host().label() + ", timeout " + settings.timeout().toMillis() + "ms";
    }

    @Override
    public List<PlannedCommand> plan(Endpoint from, Endpoint to) {
        if (a().handoverFile().isPresent()) {
            return planHandOver(from);
        }
        String inst = settings.instance();
        return List.of(
                PlannedCommand.host("b", b().host().display("cp -p " + b().config() + " " + b().config()
                        + KeepalivedSide.BACKUP_SUFFIX), "back up b's keepalived config"),
                PlannedCommand.host("a", a().host().display("cp -p " + a().config() + " " + a().config()
                        + KeepalivedSide.BACKUP_SUFFIX), "back up a's keepalived config"),
                PlannedCommand.host("b", "(edit " + b().config() + ": " + inst + " priority := a's)", "b wins the VIP"),
                PlannedCommand.host("a", "(edit " + a().config() + ": " + inst + " priority := b's)",
                        "a loses it and does not take it back"),
                PlannedCommand.host("b", b().host().display(b().reload()), "reload b's keepalived"),
                PlannedCommand.host("a", a().host().display(a().reload()), "reload a's keepalived"),
                PlannedCommand.host("a,b", "ip -o addr show (every " + POLL.toMillis() + "ms)",
                        "wait until " + settings.vip() + " is on b's host only"),
                PlannedCommand.redis(settings.vip() + ":" + to.port(), "INFO server", "wait until the VIP answers as b"));
    }

    /** The fast hand-over, in the order {@link #handOver} runs it. */
    private List<PlannedCommand> planHandOver(Endpoint from) {
        String vip = settings.vip();
        String inst = settings.instance();
        return List.of(
                PlannedCommand.host("a", "(write " + a().holdFile() + ": the interface's arp_ignore and arp_announce, "
                        + "whether lo has " + vip + ")", "journal what the hold changes"),
                PlannedCommand.host("a", a().host().display("sysctl net.ipv4.conf.IFACE.arp_ignore=1 "
                        + "net.ipv4.conf.IFACE.arp_announce=2; ip addr add " + vip + "/32 dev lo"),
                        "a keeps the VIP's packets as its own without answering ARP for them"),
                PlannedCommand.host("a", a().host().display("echo 1 > " + a().handoverFile().orElseThrow()),
                        "a's instance to FAULT: priority-0 advert, b takes over within its skew time"),
                PlannedCommand.host("a", a().host().display("iptables -w -I INPUT -d " + vip + "/32 -p tcp --dport "
                        + from.port() + " -j REJECT --reject-with tcp-reset"), "a resets every client until b's GARP"),
                PlannedCommand.host("a,b", "ip -o addr show (every " + POLL.toMillis() + "ms)",
                        "wait until " + vip + " is on b's host only"),
                PlannedCommand.redis(vip + ":" + from.port(), "INFO server", "wait until the VIP answers as b"),
                PlannedCommand.host("a,b", "(back up and edit both configs: " + inst + " priorities swapped)",
                        "b keeps the VIP, a does not take it back"),
                PlannedCommand.host("b", b().host().display(b().reload()), "reload b's keepalived"),
                PlannedCommand.host("a", a().host().display(a().reload()), "reload a's keepalived (still in FAULT)"),
                PlannedCommand.host("a", "(undo the hold from " + a().holdFile() + ")", "a's host as it was"),
                PlannedCommand.host("a", a().host().display("echo 0 > " + a().handoverFile().orElseThrow()),
                        "a leaves FAULT as a backup below b"));
    }

    @Override
    public List<String> preflight() {
        try {
            return new KeepalivedChecks(settings, servers).problems();
        } catch (KeepalivedException e) {
            return List.of("keepalived: " + e.getMessage());
        }
    }

    @Override
    public List<String> warnings() {
        try {
            List<String> warnings = new ArrayList<>(new KeepalivedChecks(settings, servers).warnings());
            directClients().ifPresent(warnings::add);
            return warnings;
        } catch (KeepalivedException e) {
            return List.of("keepalived: " + e.getMessage());
        }
    }

    /** Clients that reach a on its own address will not follow the VIP (Redis 6.2+ reports laddr). */
    private java.util.Optional<String> directClients() {
        RedisNode source = servers.a();
        List<ClientInfo> clients = source.clients().stream().filter(ClientInfo::isApplication)
                .filter(c -> !c.laddr().isEmpty()).filter(c -> !c.name().startsWith(RedisNode.CLIENT_NAME_PREFIX))
                .toList();
        long direct = clients.stream().filter(c -> !c.laddr().startsWith(settings.vip() + ":")).count();
        if (direct == 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(direct + " of " + clients.size() + " clients of a connect to a's own address, not "
                + "the VIP " + settings.vip() + ": they will not follow the switch (point them at the VIP first)");
    }

    @Override
    public boolean movesBeforeDemotion() {
        return order == Order.MOVE_FIRST;
    }

    /** How long the last move took from the reloads to b answering on the VIP. */
    public Duration lastVipMove() {
        return lastVipMove;
    }

    /** Returns the VIP move time: from the reloads until {@code vip:port} answers as b (what clients wait for). */
    @Override
    public Duration move(Endpoint from, Endpoint to) {
        if ("target".equals(from.role())) {
            return moveBack(to);
        }
        try {
            if (a().handoverFile().isPresent()) {
                return handOver(a(), b(), servers.b(), from.port(), this::swapPriorities);
            }
            swapPriorities();
            long reloadAt = ticker.read();
            try {
                reloadBoth(from.port(), reloadAt);
                awaitVipAnswersAsB(to.port(), reloadAt);
                lastVipMove = Duration.ofNanos(ticker.read() - reloadAt);
                LOG.info("VIP {} moved to b in {}ms after the reloads", settings.vip(), lastVipMove.toMillis());
                dropStaleVipClients(from.port());
                sleep(ticker, RELOAD_SETTLE); // keepalived's second burst of gratuitous ARP, then the hold goes
            } finally {
                a().unholdVip(settings.vip());
            }
            return lastVipMove;
        } catch (KeepalivedException e) {
            String fault = a().handoverFile().map(f -> "; a's keepalived is held in FAULT (" + f + " says 1, so the "
                    + "VIP cannot return to a, now a replica): write 0 into it once b's keepalived holds the VIP").orElse("");
            // the fast hand-over edits the configs only once the VIP answers as b
            String configs = edited ? "the keepalived configs give b the higher priority (originals in *"
                    + KeepalivedSide.BACKUP_SUFFIX + ")" : "the keepalived configs are not changed yet";
            throw new FerryException(ExitCode.INCOMPLETE, "keepalived switch: " + e.getMessage() + fault
                    + ": b is master and holds every acknowledged write; " + configs
                    + "; fix keepalived on b or the VRRP path between a and b, then ferry resume");
        }
    }

    /**
     * The traffic back to a (rollback after the cutover): the original configs, kept as backups by the move,
     * are put back and reloaded, so a has the higher priority again; b, by now a's read-only replica, resets
     * clients on the VIP until the VIP is on a's host alone and answers as a. With a handover file on b's side
     * too this is the fast hand-over the other way: b in FAULT, a takes over, then the originals are reloaded.
     */
    private Duration moveBack(Endpoint to) {
        try {
            if (b().handoverFile().isPresent()) {
                return handOver(b(), a(), servers.a(), to.port(), this::putBackOriginals);
            }
            holdOrWarn(b(), to.port());
            long start = ticker.read();
            try {
                a().unholdVip(settings.vip()); // what a crashed run may have left on a
                if (a().handoverFile().isPresent()) {
                    a().handover("0"); // a must be able to take the VIP
                }
                putBackOriginalFiles(b(), true);
                putBackOriginalFiles(a(), true);
                awaitVipOn(a(), b(), start);
                awaitVipAnswersAs(servers.a(), to.port(), start);
                lastVipMove = Duration.ofNanos(ticker.read() - start);
                sleep(ticker, RELOAD_SETTLE);
            } finally {
                b().unholdVip(settings.vip());
            }
            return lastVipMove;
        } catch (KeepalivedException e) {
            String fault = b().handoverFile().map(f -> "; b's keepalived may be held in FAULT (" + f + " says 1): write 0"
                    + " into it once a's keepalived holds the VIP").orElse("");
            throw new FerryException(ExitCode.INCOMPLETE, "keepalived switch back: " + e.getMessage() + fault
                    + ": a is master and holds every acknowledged write; put the configs back from *"
                    + KeepalivedSide.BACKUP_SUFFIX + " and reload keepalived on both hosts, then ferry rollback again");
        }
    }

    /**
     * The plain move of seed step 6: b waits for its master-down timer (3 advert intervals and its skew). a is b's
     * read-only replica by now; for those seconds it holds the VIP on lo behind the reset rule
     * ({@link KeepalivedSide#holdVip}, no FAULT), so every client that reaches a gets a reset at once, also in the
     * moment between a's giving the VIP up and b's gratuitous ARP, when a SYN would otherwise wait for its 1 s retry
     * (measured with the reset rule alone: in 5 runs of 10 a SYN was answered only after 1.01–1.03 s).
     */
    private void reloadBoth(int port, long reloadAt) {
        holdOrWarn(a(), port);
        b().unholdVip(settings.vip()); // what a crashed rollback may have left on b
        b().reloadKeepalived();
        a().reloadKeepalived();
        awaitVipOnB(reloadAt);
    }

    private void holdOrWarn(KeepalivedSide side, int port) {
        if (!side.holdVip(settings.vip(), port, null)) {
            LOG.warn("no iptables on {}'s host: clients reaching it while the VIP moves get its Redis's answer instead"
                    + " of a reset", side.role());
        }
    }

    /**
     * The fast move from {@code from}'s host (its instance tracks the handover file) to {@code to}'s, whose Redis
     * {@code master} is already promoted: in one command on {@code from}'s host the VIP is held on lo behind a reset
     * rule ({@link KeepalivedSide#holdVip}) and the instance is put in FAULT; a master entering FAULT sends a
     * priority-0 advert, so the other takes over after its skew time ((256 - priority) / 256 s) instead of three
     * advert intervals plus skew (3.5 s with advert_int 1). Until its gratuitous ARP reaches the clients they still
     * send to {@code from}'s MAC, and every packet gets a reset there, so they retry at once.
     *
     * <p>Nothing else runs before the FAULT: {@code thenConfigs} (the priorities written as they should end up) runs
     * once the VIP answers as {@code master}; then both are reloaded while {@code from} is still in FAULT, so it
     * comes back as a backup below the other instead of tying with it. The hold is lifted after that has settled
     * (over a second after the takeover: keepalived's second burst of gratuitous ARP has gone out), and
     * {@code from} is released from FAULT. If the adverts of the new master do not reach {@code from}, it takes the
     * VIP back a master-down timer later: {@link VipStaysOnB} watches for that.
     */
    private Duration handOver(KeepalivedSide from, KeepalivedSide to, RedisNode master, int port, Runnable thenConfigs) {
        long faultAt = ticker.read();
        boolean held = false;
        try {
            held = from.holdVip(settings.vip(), port, "1");
            LOG.info("{} holds VIP {} on lo and is in FAULT after {}ms", from.role(), settings.vip(),
                    Duration.ofNanos(ticker.read() - faultAt).toMillis());
            to.unholdVip(settings.vip()); // what a crashed earlier move may have left there would reset its clients
            if (!held) {
                LOG.warn("no iptables on {}'s host: clients reaching it during the hand-over get its Redis's answer "
                        + "instead of a reset", from.role());
            }
            awaitVipOn(to, from, faultAt);
            awaitVipAnswersAs(master, port, faultAt);
            lastVipMove = Duration.ofNanos(ticker.read() - faultAt);
            LOG.info("VIP {} moved from {} to {} in {}ms after the FAULT", settings.vip(), from.role(), to.role(),
                    lastVipMove.toMillis());
            thenConfigs.run();
            if (from == a()) {
                dropStaleVipClients(port);
            }
            to.reloadKeepalived();
            from.reloadKeepalived();
            sleep(ticker, RELOAD_SETTLE);
        } finally {
            // also when the VIP did not move: ferry's changes on the host never outlive the step that made them
            from.unholdVip(settings.vip());
        }
        from.handover("0");
        new VipStaysOnB(settings, ticker, to, from).watch();
        return lastVipMove;
    }

    /**
     * a's connections that came in on the VIP are dead once the VIP has left: their clients now talk to b's host,
     * and a cannot even send them a FIN. Closing them keeps a's client count (and the drain watch) honest.
     */
    private void dropStaleVipClients(int port) {
        try {
            RedisNode source = servers.a();
            if (source.version().hasPauseWrite()) {
                source.call("CLIENT", "KILL", "LADDR", settings.vip() + ":" + port);
            }
        } catch (RuntimeException e) {
            // none left (an error reply) or a unreachable: nothing depends on it
            LOG.debug("closing a's clients on the VIP: {}", e.getMessage());
        }
    }

    /** b gets the higher priority, a the lower; each file is backed up and written only if not yet edited. */
    private void swapPriorities() {
        KeepalivedConf aConf = a().load();
        KeepalivedConf bConf = b().load();
        VrrpInstance ai = KeepalivedChecks.instance(aConf, settings.instance(), "a");
        VrrpInstance bi = KeepalivedChecks.instance(bConf, settings.instance(), "b");
        int high = Math.max(ai.priority(), bi.priority());
        int low = Math.min(ai.priority(), bi.priority());
        if (high == low) {
            // a crash between the two edits of an earlier attempt: keep b's win clear
            low = Math.max(1, high - 50);
        }
        setPriority(b(), bConf, bi, high);
        setPriority(a(), aConf, ai, low);
    }

    private void setPriority(KeepalivedSide side, KeepalivedConf conf, VrrpInstance instance, int priority) {
        if (instance.priority() == priority) {
            return;
        }
        edited = true;
        String file = instance.block().file();
        side.backUp(file);
        side.write(file, conf.withPriority(instance, priority));
    }

    private void awaitVipOnB(long since) {
        awaitVipOn(b(), a(), since);
    }

    /** Waits until the VIP is on {@code winner}'s host and not on {@code loser}'s. */
    private void awaitVipOn(KeepalivedSide winner, KeepalivedSide loser, long since) {
        long deadline = since + settings.timeout().toNanos();
        boolean onA = true;
        boolean onB = false;
        while (ticker.read() < deadline) {
            onB = winner.holds(settings.vip());
            onA = loser.holds(settings.vip());
            if (onB && !onA) {
                return;
            }
            sleep(ticker, POLL);
        }
        if (winner == a()) {
            throw new KeepalivedException("VIP " + settings.vip() + " did not come back to a's host alone within "
                    + settings.timeout().toMillis() + "ms after the original configs were reloaded");
        }
        String where = onA && onB ? "on both a's and b's hosts" : onA ? "still on a's host" : onB ? "?" : "on neither host";
        // a keeps the VIP only while it hears no better master: b's adverts do not reach it
        String why = onA ? " (a no longer hears b: are b's VRRP packets, IP protocol 112, dropped on the way?)" : "";
        throw new KeepalivedException("VIP " + settings.vip() + " is " + where + " " + settings.timeout().toMillis()
                + "ms after the reloads" + why);
    }

    private void awaitVipAnswersAsB(int port, long since) {
        awaitVipAnswersAs(servers.b(), port, since);
    }

    /** Speaks to the VIP as to {@code master} itself (credentials, TLS): with TLS servers a plain probe never sees it. */
    private void awaitVipAnswersAs(RedisNode master, int port, long since) {
        RunIdProbe probe = new RunIdProbe("the VIP", settings.vip(), port, servers.clientName() + "-vip", ticker);
        RunIdProbe.Result result = probe.await(master, since + settings.timeout().toNanos(), POLL);
        if (!result.answered()) {
            throw new KeepalivedException("VIP " + settings.vip() + ":" + port + " does not answer as " + master.label()
                    + " (saw " + result.lastSeen() + ")");
        }
    }

    /**
     * Undoes this switch's own edits (a cutover aborted before b's promotion). Backups left by an earlier run are
     * not touched here: putting them back would hand the VIP to a server that is no longer the master.
     */
    @Override
    public void restore() {
        if (edited) {
            restoreBackups();
        }
    }

    /**
     * Puts both original configs back from their backups and reloads (rollback, by the operator's decision), after
     * releasing both from FAULT and undoing a hold of the VIP a crash may have left ({@link KeepalivedSide#holdVip}).
     */
    public void restoreBackups() {
        for (KeepalivedSide side : List.of(a(), b())) {
            if (side.handoverFile().isPresent()) {
                side.handover("0");
            }
            side.unholdVip(settings.vip());
        }
        putBackOriginalFiles(b(), true);
        putBackOriginalFiles(a(), true);
    }

    /** The originals back in place without reloading (the fast hand-over back reloads both itself). */
    private void putBackOriginals() {
        putBackOriginalFiles(b(), false);
        putBackOriginalFiles(a(), false);
    }

    private static boolean putBackOriginalFiles(KeepalivedSide side, boolean reload) {
        boolean restored = false;
        for (String file : side.load().files()) {
            restored |= side.restore(file);
        }
        if (restored && reload) {
            side.reloadKeepalived();
        }
        return restored;
    }

    static void sleep(Ticker ticker, Duration d) {
        try {
            ticker.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeepalivedException("interrupted while waiting for the VIP");
        }
    }
}
