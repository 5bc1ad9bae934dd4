package dev.ferry.core.spec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents one key of the spec file where the loader declares it, so {@link SpecReference} can list it and a test
 * can fail when a key is added without it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface SpecKey {
    /** One line: what the key does, in the operator's words. */
    String value();

    /**
     * How the value is written, e.g. "duration", "string", "list of strings, or one string split on spaces"; empty
     * for a map the loader binds itself, which the reference lists as a section of its own.
     */
    String type() default "";

    /** What applies when the key is left out, as it would be written; empty when nothing does. */
    String defaultValue() default "";

    boolean required() default false;

    /** The enum whose constants, in lower case, are the allowed values; {@code Void} when any value of the type is. */
    Class<?> allowed() default Void.class;

    /** For a key whose value is a map checked outside the loader: the class that documents that map's keys. */
    Class<?> keys() default Void.class;
}
