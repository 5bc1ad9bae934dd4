package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The capture's reading of tcpdump lines: a connection's wait runs from its first SYN to the answer to that SYN. */
class SynCaptureTest {
    private static final String SYN = "%s IP 198.18.7.1.%d > 198.18.7.100.6379: Flags [S], seq %d, win 64240, length 0";
    private static final String SYN_ACK = "%s IP 198.18.7.100.6379 > 198.18.7.1.%d: Flags [S.], seq 99, ack %d, win 65160, length 0";
    private static final String RESET = "%s IP 198.18.7.100.6379 > 198.18.7.1.%d: Flags [R.], seq 0, ack %d, win 0, length 0";

    @Test
    void aRepeatedSynWaitsFromItsFirstSendingUntilTheAnswer() {
        SynCapture c = SynCapture.ofLines("198.18.7.100", 6379);
        c.take(SYN.formatted("100.000000", 40000, 1000L));
        c.take(SYN.formatted("101.030000", 40000, 1000L)); // the kernel's retry: same port, same sequence number
        c.take(SYN_ACK.formatted("101.031000", 40000, 1001L));
        SynCapture.Result r = c.result();
        assertThat(r.syns()).isEqualTo(2);
        assertThat(r.connections()).isEqualTo(1);
        assertThat(r.longestWaitMillis()).isEqualTo(1031);
        assertThat(r.unanswered()).isZero();
    }

    @Test
    void aResetAnswersASynAndAnAnswerToAnotherSynOnThePortDoesNot() {
        SynCapture c = SynCapture.ofLines("198.18.7.100", 6379);
        c.take(SYN.formatted("200.000000", 40001, 5000L));
        c.take(RESET.formatted("200.002000", 40001, 5001L));
        c.take(SYN.formatted("200.100000", 40002, 7000L));
        c.take(SYN_ACK.formatted("200.101000", 40002, 8001L)); // answers some other SYN of that port
        c.take("200.2 IP 198.18.7.1.40003 > 198.18.7.99.6379: Flags [S], seq 1, win 1, length 0"); // not the VIP
        SynCapture.Result r = c.result();
        assertThat(r.connections()).isEqualTo(1);
        assertThat(r.longestWaitMillis()).isEqualTo(2);
        assertThat(r.unanswered()).isEqualTo(1);
        assertThat(r.syns()).isEqualTo(2);
    }
}
