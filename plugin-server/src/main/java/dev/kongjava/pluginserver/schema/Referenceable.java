package dev.kongjava.pluginserver.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Kong {@code referenceable}: Kong resolves {@code {vault://...}} references before the plugin sees the value. See {@link ConfigSchema#of(Class)}. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE_USE})
public @interface Referenceable {}
