package dev.kongjava.pluginserver.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Kong {@code required}: the value must be present and not null; a required record is filled from its fields' defaults. See {@link ConfigSchema#of(Class)}. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE_USE})
public @interface Required {}
