package dev.ferry.core.spec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Documents one map of the spec file (a section of {@link SpecReference}). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface SpecSection {
    /** The section's name as the reference heads it, e.g. "cutover" or "source, target, backup". */
    String name();

    /** One or two sentences: what the map is for and where it may appear. */
    String value();
}
