// Replays fuzz inputs without libFuzzer, so CTest runs the seed corpus and every past crash
// input under the sanitizer build. Arguments: files or directories of the corpus, then
// --crashes DIR, the regression inputs (every input that ever crashed or hung a fuzzer).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::size_t count = 0, crashes = 0;
    bool in_crashes = false;
    auto replay = [&](const fs::path& file) {
        std::ifstream in(file, std::ios::binary);
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        ++(in_crashes ? crashes : count);
    };
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--crashes") {
            in_crashes = true;
            continue;
        }
        fs::path p(argv[i]);
        if (fs::is_directory(p)) {
            for (const auto& entry : fs::directory_iterator(p))
                if (entry.is_regular_file() && entry.path().filename() != ".gitkeep") replay(entry.path());
        } else if (fs::exists(p)) {
            replay(p);
        } else {
            std::fprintf(stderr, "replay: no such input: %s\n", argv[i]);
            return 1;
        }
    }
    std::printf("replayed %zu corpus inputs\n", count);
    if (in_crashes && crashes > 0)
        std::printf("replayed %zu regression inputs (past crashes and hangs)\n", crashes);
    else if (in_crashes)
        std::printf("no regression inputs yet: no input has crashed or hung a fuzzer\n");
    return count > 0 ? 0 : 1;
}
