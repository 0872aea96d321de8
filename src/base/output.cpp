// imapcheck: writing the report. A file is written to a temporary name beside it and then
// renamed, so a monitoring system reading it never sees half a report.
#include "imapcheck/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace imapcheck {

Result<Unit> check_writable(const std::string& path) {
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "."
                            : slash == 0               ? "/"
                                                       : path.substr(0, slash);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return make_error(Error::Kind::Usage,
                          "cannot write '" + path + "': the folder " + dir + " does not exist");
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        return make_error(Error::Kind::Usage, "cannot write '" + path + "': the folder " + dir +
                                                  " is not writable (" + std::strerror(errno) +
                                                  ")");
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        return make_error(Error::Kind::Usage, "cannot write '" + path + "': it is a folder");
    return Unit{};
}

Result<Unit> write_atomically(const std::string& path, std::string_view content) {
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return make_error(Error::Kind::Usage, "cannot write '" + path + "': " + std::strerror(errno));
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            return make_error(Error::Kind::Usage, "cannot write '" + path + "': " + why);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
        std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        return make_error(Error::Kind::Usage, "cannot write '" + path + "': " + why);
    }
    return Unit{};
}

}  // namespace imapcheck
