package dev.swarm.tracker;

public final class Main {
    public static void main(String[] args) {
    }
}
