package dev.swarm.peerbridge;

public final class Main {
    public static void main(String[] args) {
    }
}
