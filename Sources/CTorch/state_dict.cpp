// PyTorch state_dict files: reading what Python's torch.save writes, writing what torch.load reads.
//
// Why not torch::pickle_load: libtorch 1.13's Unpickler turns `collections.OrderedDict` (what
// `model.state_dict()` is) into None, so every Python state_dict fails to load (pytorch#95362).
// torch.save's pickles use a small, fixed part of the pickle protocol, read here by a minimal
// stack machine; the zip container and its storage records go through libtorch's own reader.
#include "shim_support.hpp"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <vector>

struct ct_state_dict_s {
    std::vector<std::string> names;
    std::vector<at::Tensor> tensors;
};

struct ct_bytes_s {
    std::vector<char> bytes;
};

namespace {

struct Value;
using Ref = std::shared_ptr<Value>;

/// A Python object as far as torch.save's pickles need: scalars, strings, containers, the
/// globals they name, storages and rebuilt tensors.
struct Value {
    enum Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Storage, Tensor, Mark } kind = None;
    int64_t integer = 0;
    double real = 0;
    std::string text;          // String; Global as "module.name"; Storage: its record key
    std::vector<Ref> items;    // Tuple, List; Dict as key, value, key, value…
    at::ScalarType dtype = at::kFloat;  // Storage
    at::Tensor tensor;         // Tensor; Storage: its flat data once read
};

Ref make(Value::Kind kind) {
    auto v = std::make_shared<Value>();
    v->kind = kind;
    return v;
}

const char *kindName(Value::Kind k) {
    static const char *names[] = {"None", "a bool", "an int", "a float", "a string", "a tuple", "a list",
                                  "a dict", "a global", "a storage", "a tensor", "a mark"};
    return names[k];
}

at::ScalarType storageType(const std::string &name) {
    static const std::map<std::string, at::ScalarType> types = {
        {"torch.FloatStorage", at::kFloat}, {"torch.DoubleStorage", at::kDouble}, {"torch.HalfStorage", at::kHalf},
        {"torch.BFloat16Storage", at::kBFloat16}, {"torch.LongStorage", at::kLong}, {"torch.IntStorage", at::kInt},
        {"torch.ShortStorage", at::kShort}, {"torch.CharStorage", at::kChar}, {"torch.ByteStorage", at::kByte},
        {"torch.BoolStorage", at::kBool},
    };
    auto found = types.find(name);
    if (found == types.end()) throw std::runtime_error("unsupported storage type " + name);
    return found->second;
}

/// The pickle stack machine over `data.pkl`, fetching storages from `reader` as they are named.
class PickleReader {
  public:
    PickleReader(std::string bytes, caffe2::serialize::PyTorchStreamReader &reader)
        : bytes_(std::move(bytes)), reader_(reader) {}

    Ref run() {
        while (true) {
            uint8_t op = byte();
            switch (op) {
            case 0x80: byte(); break;                      // PROTO
            case 0x95: take(8); break;                     // FRAME
            case '.': return pop();                        // STOP
            case '(': stack_.push_back(make(Value::Mark)); break;
            case 'N': stack_.push_back(make(Value::None)); break;
            case 0x88: case 0x89: {                        // NEWTRUE, NEWFALSE
                auto v = make(Value::Bool);
                v->integer = op == 0x88;
                stack_.push_back(v);
                break;
            }
            case 'K': pushInt(byte()); break;              // BININT1
            case 'M': pushInt(little(2)); break;           // BININT2
            case 'J': pushInt(static_cast<int32_t>(little(4))); break;  // BININT
            case 0x8a: {                                   // LONG1
                size_t n = byte();
                if (n > 8) throw std::runtime_error("integer wider than 64 bits in the pickle");
                uint64_t raw = little(n);
                if (n > 0 && n < 8 && (raw >> (8 * n - 1)) & 1) raw |= ~uint64_t(0) << (8 * n);
                pushInt(static_cast<int64_t>(raw));
                break;
            }
            case 'G': {                                    // BINFLOAT (big-endian)
                uint64_t raw = 0;
                for (char c : take(8)) raw = (raw << 8) | static_cast<uint8_t>(c);
                auto v = make(Value::Float);
                std::memcpy(&v->real, &raw, 8);
                stack_.push_back(v);
                break;
            }
            case 'X': pushString(take(little(4))); break;  // BINUNICODE
            case 0x8c: pushString(take(byte())); break;    // SHORT_BINUNICODE
            case 0x8d: pushString(take(little(8))); break; // BINUNICODE8
            case 'c': {                                    // GLOBAL "module\nname\n"
                std::string module = line(), name = line();
                pushGlobal(module + "." + name);
                break;
            }
            case 0x93: {                                   // STACK_GLOBAL
                Ref name = pop(), module = pop();
                pushGlobal(module->text + "." + name->text);
                break;
            }
            case ')': stack_.push_back(make(Value::Tuple)); break;
            case ']': stack_.push_back(make(Value::List)); break;
            case '}': stack_.push_back(make(Value::Dict)); break;
            case 't': { auto v = make(Value::Tuple); v->items = popToMark(); stack_.push_back(v); break; }
            case 0x85: case 0x86: case 0x87: {             // TUPLE1..3
                auto v = make(Value::Tuple);
                v->items.resize(op - 0x84);
                for (size_t i = v->items.size(); i-- > 0;) v->items[i] = pop();
                stack_.push_back(v);
                break;
            }
            case 'q': memo_[byte()] = top(); break;        // BINPUT
            case 'r': memo_[little(4)] = top(); break;     // LONG_BINPUT
            case 0x94: memo_[memo_.size()] = top(); break; // MEMOIZE
            case 'h': pushMemo(byte()); break;             // BINGET
            case 'j': pushMemo(little(4)); break;          // LONG_BINGET
            case 's': {                                    // SETITEM
                Ref value = pop(), key = pop();
                dictAt(top())->items.insert(dictAt(top())->items.end(), {key, value});
                break;
            }
            case 'u': {                                    // SETITEMS
                auto pairs = popToMark();
                auto &items = dictAt(top())->items;
                items.insert(items.end(), pairs.begin(), pairs.end());
                break;
            }
            case 'a': { Ref v = pop(); listAt(top())->items.push_back(v); break; }   // APPEND
            case 'e': {                                    // APPENDS
                auto values = popToMark();
                auto &items = listAt(top())->items;
                items.insert(items.end(), values.begin(), values.end());
                break;
            }
            case 'b': pop(); break;                        // BUILD: OrderedDict's _metadata; not needed
            case 'Q': stack_.push_back(storage(pop())); break;  // BINPERSID
            case 'R': {                                    // REDUCE
                Ref args = pop(), callable = pop();
                stack_.push_back(reduce(callable, args));
                break;
            }
            default: {
                char hex[8];
                std::snprintf(hex, sizeof hex, "0x%02x", op);
                throw std::runtime_error(std::string("unsupported pickle opcode ") + hex + " at byte " +
                                         std::to_string(position_ - 1) + " of data.pkl");
            }
            }
        }
    }

  private:
    std::string bytes_;
    size_t position_ = 0;
    caffe2::serialize::PyTorchStreamReader &reader_;
    std::vector<Ref> stack_;
    std::map<uint64_t, Ref> memo_;
    std::map<std::string, at::Tensor> storages_;

    uint8_t byte() { return static_cast<uint8_t>(take(1)[0]); }
    std::string take(size_t n) {
        if (n > bytes_.size() - position_) throw std::runtime_error("data.pkl ends in the middle of an object (truncated)");
        std::string s = bytes_.substr(position_, n);
        position_ += n;
        return s;
    }
    uint64_t little(size_t n) {
        uint64_t v = 0;
        std::string s = take(n);
        for (size_t i = n; i-- > 0;) v = (v << 8) | static_cast<uint8_t>(s[i]);
        return v;
    }
    std::string line() {
        size_t end = bytes_.find('\n', position_);
        if (end == std::string::npos) throw std::runtime_error("data.pkl ends inside a global name (truncated)");
        std::string s = bytes_.substr(position_, end - position_);
        position_ = end + 1;
        return s;
    }
    Ref pop() {
        if (stack_.empty()) throw std::runtime_error("malformed pickle: stack underflow");
        Ref v = stack_.back();
        stack_.pop_back();
        return v;
    }
    Ref top() {
        if (stack_.empty()) throw std::runtime_error("malformed pickle: stack underflow");
        return stack_.back();
    }
    std::vector<Ref> popToMark() {
        for (size_t i = stack_.size(); i-- > 0;) {
            if (stack_[i]->kind == Value::Mark) {
                std::vector<Ref> items(stack_.begin() + i + 1, stack_.end());
                stack_.resize(i);
                return items;
            }
        }
        throw std::runtime_error("malformed pickle: no mark");
    }
    void pushInt(int64_t n) {
        auto v = make(Value::Int);
        v->integer = n;
        stack_.push_back(v);
    }
    void pushString(std::string s) {
        auto v = make(Value::String);
        v->text = std::move(s);
        stack_.push_back(v);
    }
    void pushGlobal(std::string name) {
        auto v = make(Value::Global);
        v->text = std::move(name);
        stack_.push_back(v);
    }
    void pushMemo(uint64_t index) {
        auto found = memo_.find(index);
        if (found == memo_.end()) throw std::runtime_error("malformed pickle: unknown memo entry");
        stack_.push_back(found->second);
    }
    static Ref dictAt(Ref v) {
        if (v->kind != Value::Dict) throw std::runtime_error(std::string("malformed pickle: SETITEM on ") + kindName(v->kind));
        return v;
    }
    static Ref listAt(Ref v) {
        if (v->kind != Value::List) throw std::runtime_error(std::string("malformed pickle: APPEND on ") + kindName(v->kind));
        return v;
    }

    /// ('storage', torch.FloatStorage, key, location, numel): the record `data/<key>`.
    Ref storage(Ref id) {
        if (id->kind != Value::Tuple || id->items.size() < 5 || id->items[0]->text != "storage" ||
            id->items[1]->kind != Value::Global)
            throw std::runtime_error("unsupported persistent id in the pickle (not a tensor storage)");
        auto v = make(Value::Storage);
        v->dtype = storageType(id->items[1]->text);
        v->text = id->items[2]->text;
        int64_t numel = id->items[4]->integer;
        auto cached = storages_.find(v->text);
        if (cached != storages_.end()) {
            v->tensor = cached->second;
            return v;
        }
        std::string record = "data/" + v->text;
        if (!reader_.hasRecord(record)) throw std::runtime_error("the archive has no record " + record + " (truncated?)");
        auto [data, size] = reader_.getRecord(record);
        size_t need = static_cast<size_t>(numel) * at::elementSize(v->dtype);
        if (size < need)
            throw std::runtime_error("record " + record + " has " + std::to_string(size) + " bytes, " +
                                     std::to_string(need) + " expected (truncated?)");
        v->tensor = at::empty({numel}, at::TensorOptions().dtype(v->dtype));
        if (need > 0) std::memcpy(v->tensor.data_ptr(), data.get(), need);
        storages_[v->text] = v->tensor;
        return v;
    }

    static std::vector<int64_t> ints(const Ref &tuple, const char *what) {
        if (tuple->kind != Value::Tuple) throw std::runtime_error(std::string("tensor ") + what + " is not a tuple");
        std::vector<int64_t> out;
        for (auto &item : tuple->items) out.push_back(item->integer);
        return out;
    }

    Ref reduce(Ref callable, Ref args) {
        const std::string &name = callable->text;
        if (callable->kind != Value::Global) throw std::runtime_error("malformed pickle: call of a non-global");
        // What Python's OrderedDict() builds: an empty dict that SETITEMS then fills.
        if (name == "collections.OrderedDict") return make(Value::Dict);
        if (name == "torch._utils._rebuild_tensor_v2") {
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            if (args->items.size() < 4 || args->items[0]->kind != Value::Storage)
                throw std::runtime_error("malformed tensor in the pickle");
            auto v = make(Value::Tensor);
            v->tensor = args->items[0]->tensor
                            .as_strided(ints(args->items[2], "size"), ints(args->items[3], "stride"), args->items[1]->integer)
                            .clone();
            return v;
        }
        // libtorch's own pickler (torch::pickle_save, hookd's exports) tags a dict with its type.
        if (name == "torch.jit._pickle.restore_type_tag") {
            if (args->items.empty()) throw std::runtime_error("malformed type tag in the pickle");
            return args->items[0];
        }
        if (name == "torch._utils._rebuild_parameter") {
            // nn.Parameter(data, requires_grad, backward_hooks): the data is what a state dict holds.
            if (args->items.empty() || args->items[0]->kind != Value::Tensor)
                throw std::runtime_error("malformed parameter in the pickle");
            return args->items[0];
        }
        throw std::runtime_error("unsupported object " + name + " in the pickle; a state_dict holds tensors only");
    }
};

ct_state_dict readStateDict(const char *path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error("cannot open the file");
    char head[4] = {0, 0, 0, 0};
    file.read(head, 4);
    if (file.gcount() == 0) throw std::runtime_error("the file is empty");
    if (static_cast<uint8_t>(head[0]) == 0x80)
        throw std::runtime_error("a legacy (pre-1.6) torch.save pickle; save it again with PyTorch 1.6 or later "
                                 "(torch.save writes the zip format by default)");
    if (std::memcmp(head, "PK\x03\x04", 4) != 0)
        throw std::runtime_error("not a PyTorch file: torch.save writes a zip archive, this file does not start like one");
    file.close();
    std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
    try {
        reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(std::string(path));
    } catch (const std::exception &e) {
        throw std::runtime_error(std::string("a damaged or truncated zip archive (") + e.what() + ")");
    }
    if (!reader->hasRecord("data.pkl")) throw std::runtime_error("the archive has no data.pkl: not written by torch.save");
    auto [data, size] = reader->getRecord("data.pkl");
    PickleReader pickle(std::string(static_cast<const char *>(data.get()), size), *reader);
    Ref root = pickle.run();
    if (root->kind != Value::Dict)
        throw std::runtime_error(std::string("the file holds ") + kindName(root->kind) +
                                 ", not a state_dict (a dict of tensors)");
    auto dict = std::make_unique<ct_state_dict_s>();
    for (size_t i = 0; i + 1 < root->items.size(); i += 2) {
        const Ref &key = root->items[i], &value = root->items[i + 1];
        if (key->kind != Value::String) throw std::runtime_error("a state_dict key is not a string");
        if (value->kind != Value::Tensor)
            throw std::runtime_error("key \"" + key->text + "\" holds " + kindName(value->kind) +
                                     ", not a tensor: hookd reads state_dicts (torch.save(model.state_dict(), f))");
        dict->names.push_back(key->text);
        dict->tensors.push_back(value->tensor);
    }
    return dict.release();
}

ct_bytes encodeStateDict(const char *const *names, const ct_tensor *tensors, int count) {
    c10::Dict<std::string, at::Tensor> dict;
    for (int i = 0; i < count; i++) dict.insert(names[i], tensors[i]->t.detach().contiguous());
    std::vector<char> bytes = torch::jit::pickle_save(c10::IValue(dict));
    auto buffer = std::make_unique<ct_bytes_s>();
    buffer->bytes = std::move(bytes);
    return buffer.release();
}

}  // namespace

extern "C" {

int ct_state_dict_read(const char *path, ct_state_dict *out) {
    CT_TRY(*out = readStateDict(path))
}

int ct_state_dict_count(ct_state_dict d) { return static_cast<int>(d->names.size()); }

const char *ct_state_dict_name(ct_state_dict d, int index) { return d->names[index].c_str(); }

int ct_state_dict_tensor(ct_state_dict d, int index, ct_tensor *out) {
    CT_TRY(*out = ctorch::wrap(d->tensors[index]))
}

void ct_state_dict_free(ct_state_dict d) { delete d; }

int ct_state_dict_encode(const char *const *names, const ct_tensor *tensors, int count, ct_bytes *out) {
    CT_TRY(*out = encodeStateDict(names, tensors, count))
}

const void *ct_bytes_data(ct_bytes b) { return b->bytes.data(); }

size_t ct_bytes_count(ct_bytes b) { return b->bytes.size(); }

void ct_bytes_free(ct_bytes b) { delete b; }

}  // extern "C"
