// Generates the web3j Java bindings of every contract the Solidity build produced.
// Run by the contracts module's build as a single-file source program:
//   java -cp <web3j codegen classpath> build/GenerateBindings.java <solcDir> <outDir> <package>
// The bindings are build output, never edited by hand.
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.web3j.codegen.SolidityFunctionWrapperGenerator;
import org.web3j.tx.Contract;

public class GenerateBindings {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: GenerateBindings <solcDir> <outDir> <package>");
        }
        Path solcDir = Path.of(args[0]);
        File outDir = new File(args[1]);
        String pkg = args[2];
        Path list = solcDir.resolve("contracts.txt");
        if (!Files.exists(list)) {
            throw new IllegalStateException("no compiled contracts at " + list + ": run the Solidity build first");
        }
        // Skip when the bindings were generated from exactly this compiler output.
        Path solcStamp = solcDir.resolve(".stamp");
        Path ourStamp = outDir.toPath().resolve(".stamp");
        String stamp = Files.exists(solcStamp) ? Files.readString(solcStamp) : "";
        if (!stamp.isEmpty() && Files.exists(ourStamp) && Files.readString(ourStamp).equals(stamp)) {
            System.out.println("[contracts] bindings up to date");
            return;
        }
        List<String> names = Files.readAllLines(list).stream().filter(s -> !s.isBlank()).toList();
        for (String name : names) {
            new SolidityFunctionWrapperGenerator(
                    solcDir.resolve(name + ".bin").toFile(),
                    solcDir.resolve(name + ".abi").toFile(),
                    outDir,
                    name,
                    pkg,
                    true,   // Java native types (BigInteger, String, byte[]) in signatures
                    false,  // no primitives
                    false,  // no send-transaction variants for view functions
                    Contract.class,
                    20,     // address length in bytes
                    false)  // no abi-function-name based overload suffixes
                .generate();
        }
        Files.createDirectories(outDir.toPath());
        Files.writeString(ourStamp, stamp);
        System.out.println("[contracts] generated " + names.size() + " web3j bindings into " + outDir);
    }
}
