/** The smallest Courier program: send, publish and post. */
package dev.courier.samples.greetings;
