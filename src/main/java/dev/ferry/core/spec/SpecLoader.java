package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and validates a spec file. Every problem is a {@link SpecException} with a one-line message that starts
 * with the file name and line, and says how to fix it.
 */
public final class SpecLoader {
    private static final ObjectMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // trailing documents are checked by hand, to name the problem rather than the token
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .addModule(SpecDocument.module())
            // "cutover:" with nothing after it means "no cutover settings", as it reads, not a broken map
            .withCoercionConfig(LogicalType.POJO,
                    config -> config.setCoercion(CoercionInputShape.EmptyString, CoercionAction.AsNull))
            .build();

    private SpecLoader() {
    }

    /** Loads the spec at {@code file}. */
    public static Spec load(Path file) {
        requireNonNull(file, "file");
        return parse(read(file), file);
    }

    /** Parses {@code yaml} as if it had been read from {@code pretendFile} (which names it in errors). */
    public static Spec parse(String yaml, Path pretendFile) {
        requireNonNull(yaml, "yaml");
        requireNonNull(pretendFile, "pretendFile");
        Problems problems = new Problems(fileName(pretendFile));
        return new SpecConverter(problems, pretendFile).convert(bind(yaml, problems));
    }

    /** A fleet file is read with the spec's own parser and rules (duplicate keys, aliases, lines in errors). */
    static <T> T bind(String yaml, Problems problems, Class<T> type, String emptyMessage) {
        try {
            rejectAliases(yaml, problems);
            try (JsonParser parser = MAPPER.createParser(yaml)) {
                T root = parser.nextToken() == null ? null : MAPPER.readValue(parser, type);
                if (root == null) {
                    throw problems.file(emptyMessage);
                }
                return root;
            }
        } catch (JsonProcessingException e) {
            throw new JacksonErrors(problems).translate(e);
        } catch (IOException e) {
            throw problems.file("cannot read the file (" + e.getClass().getSimpleName() + "); check the YAML");
        }
    }

    private static SpecDocument.Root bind(String yaml, Problems problems) {
        try {
            rejectAliases(yaml, problems);
            return readRoot(yaml, problems);
        } catch (JsonProcessingException e) {
            throw new JacksonErrors(problems).translate(e);
        } catch (IOException e) {
            // reading from a String fails only on parser bugs; still a bad spec rather than a crash
            throw problems.file("cannot read the spec (" + e.getClass().getSimpleName() + "); check the YAML");
        }
    }

    private static SpecDocument.Root readRoot(String yaml, Problems problems) throws IOException {
        try (JsonParser parser = MAPPER.createParser(yaml)) {
            // an empty or comments-only file has no first token; "~" binds to null
            SpecDocument.Root root =
                    parser.nextToken() == null ? null : MAPPER.readValue(parser, SpecDocument.Root.class);
            if (root == null) {
                throw problems.file("the spec is empty (write at least name, source and target)");
            }
            if (parser.nextToken() != null) {
                throw problems.at(parser.currentTokenLocation().getLineNr(), "more than one YAML document"
                        + " (keep one spec per file: remove the '---' above and what follows)");
            }
            return root;
        }
    }

    /**
     * Jackson reads a YAML alias ({@code *name}) as the text "name", not as what the anchor holds: {@code host:
     * *primary} would quietly become host "primary". Until that changes, aliases are refused wherever they appear.
     */
    private static void rejectAliases(String yaml, Problems problems) throws IOException {
        try (JsonParser parser = MAPPER.createParser(yaml)) {
            while (parser.nextToken() != null) {
                if (parser instanceof YAMLParser yamlParser && yamlParser.isCurrentAlias()) {
                    throw problems.at(parser.currentTokenLocation().getLineNr(), "YAML alias *" + parser.getText()
                            + " " + JacksonErrors.where(JacksonErrors.keyPath(parser), "in")
                            + " is not supported (write the value itself)");
                }
            }
        }
    }

    static String read(Path file) {
        Problems problems = new Problems(fileName(file));
        Path absolute = file.toAbsolutePath();
        if (Files.isDirectory(file)) {
            throw problems.file("spec file " + absolute + " is a directory (give the path of the .yaml file)");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw problems.file("spec file " + absolute + " does not exist (check the path)");
        } catch (CharacterCodingException e) {
            throw problems.file("spec file " + absolute + " is not UTF-8 text (save it as UTF-8)");
        } catch (IOException e) {
            throw problems.file("spec file " + absolute + " cannot be read (" + e.getClass().getSimpleName()
                    + "); check its permissions");
        }
    }

    static String fileName(Path file) {
        Path name = file.getFileName();
        return name != null ? name.toString() : file.toString();
    }
}
