package dev.ferry.core.plan;

/** Asks the operator before a destructive step. */
@FunctionalInterface
public interface Confirmer {

    boolean confirm(String question);

    Confirmer YES = question -> true;
}
