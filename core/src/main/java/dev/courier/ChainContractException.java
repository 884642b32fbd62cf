package dev.courier;

/** A pipeline step broke the chain contract, for example by proceeding with null or with another request type. */
public class ChainContractException extends CourierException {
    public ChainContractException(String message) {
        super(message);
    }
}
