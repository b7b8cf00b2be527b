package dev.kongjava.pluginserver.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Kong {@code uuid}: the string must be a UUID. See {@link ConfigSchema#of(Class)}. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE_USE})
public @interface Uuid {}
