package dev.ferry.core.redis;

import dev.ferry.core.spec.SpecException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an unencrypted private key from PEM: PKCS#8 ({@code BEGIN PRIVATE KEY}, what OpenSSL 3 writes) of any
 * algorithm the JDK knows, or PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}). Errors name the file and the way to
 * convert it, never a byte of it.
 */
final class PemKeys {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final List<String> ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");
    private static final String CONVERT = "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8";

    private PemKeys() {
    }

    static PrivateKey read(String key, Path file) {
        Matcher block = BLOCK.matcher(TlsSockets.text(key, file));
        while (block.find()) {
            String type = block.group(1);
            if (type.equals("PRIVATE KEY") || type.equals("RSA PRIVATE KEY")) {
                byte[] der = decode(key, file, block.group(2));
                return type.equals("PRIVATE KEY") ? pkcs8(key, file, der) : pkcs8(key, file, wrapRsa(der));
            }
            if (type.equals("ENCRYPTED PRIVATE KEY") || type.equals("EC PRIVATE KEY")) {
                throw new SpecException(key + ": " + file + " holds a " + type + ", which ferry cannot read"
                        + " (" + CONVERT + ")");
            }
        }
        throw new SpecException(key + ": " + file + " holds no PEM private key (give the file with"
                + " -----BEGIN PRIVATE KEY-----)");
    }

    private static byte[] decode(String key, Path file, String base64) {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new SpecException(key + ": " + file + " is not valid PEM (its base64 is broken)");
        }
    }

    private static PrivateKey pkcs8(String key, Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm: try the next
            }
        }
        throw new SpecException(key + ": " + file + " holds a private key of a kind the JVM cannot read (" + CONVERT
                + ", or use an RSA or EC key)");
    }

    /** PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: version 0, AlgorithmIdentifier rsaEncryption/NULL. */
    private static byte[] wrapRsa(byte[] pkcs1) {
        byte[] rsaAlgorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
            0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(rsaAlgorithm);
        body.writeBytes(tlv(0x04, pkcs1));
        return tlv(0x30, body.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
