public class SpinHandoff {
    static volatile int turn;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Thread other = new Thread(() -> {
            for (int i = 0; i < rounds; i++) {
                while (turn != 1) { }
                turn = 0;
            }
        });
        other.start();
        long spins = 0;
        for (int i = 0; i < rounds; i++) {
            turn = 1;
            while (turn != 0) spins++;
        }
        other.join();
        System.out.println("handoffs " + rounds + " spins " + spins);
    }
}
