package dev.ferry.core.host;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets in host command output before it is logged or shown: the known secret values, and the value
 * after the keywords that carry one in Redis and keepalived configs.
 */
public final class Redactor {
    public static final Redactor NONE = new Redactor(List.of());
    private static final String MASK = "***";
    private static final Pattern KEYWORDS = Pattern.compile(
            "(?im)^(\\s*(?:auth_pass|requirepass|masterauth|masteruser)\\s+)(\\S.*)$");

    private final List<String> secrets;

    public Redactor(List<String> secrets) {
        this.secrets = secrets.stream().filter(s -> s != null && !s.isEmpty()).toList();
    }

    public String redact(String text) {
        String out = KEYWORDS.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        return out;
    }
}
