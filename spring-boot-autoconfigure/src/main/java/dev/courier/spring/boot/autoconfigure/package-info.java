/**
 * Spring Boot auto-configuration of Courier. {@link dev.courier.spring.boot.autoconfigure.CourierAutoConfiguration}
 * is the entry point; every bean it makes backs off when the application declares its own. Parameters and return
 * values are never null unless documented otherwise.
 */
package dev.courier.spring.boot.autoconfigure;
