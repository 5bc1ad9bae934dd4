package dev.ferry.core.procedure;

/** Asks the operator before a destructive step. */
@FunctionalInterface
public interface Confirmer {

    boolean confirm(String question);

    Confirmer YES = question -> true;
}
