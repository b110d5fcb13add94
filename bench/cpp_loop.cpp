// Plain C++ libtorch peer for hookd's Fashion-MNIST benchmark: the engine's ceiling.
//
//   bench/build_cpp_loop.sh && bench/bin/cpp_loop [--batch-size 64] [--epochs 1] [--threads 2]
//                                               [--stats] [--max-batches N] [--no-valid]
//
// Same job as bench/peer_torch.py: fastai v2.7 SimpleCNN([1,16,32,64,10], bn=True), Fashion-MNIST
// from the IDX gz files (read with zlib), pixels/255 normalised with the train set's mean and
// population std, torch::optim::Adam (betas 0.9/0.999, eps 1e-8, no weight decay) with fastai's
// one-cycle lr (lr_max 0.003, div 25, div_final 1e5, pct_start 0.25) and beta1 (0.95 -> 0.85 ->
// 0.95), seed 42, shuffled with a seeded generator, last partial batch dropped.
// --stats: mean, std and near-zero share (<= 0.05) of every parameterised leaf's output, each
// read back with .item() like the naive PyTorch hook (the forward wrapper is the "hook").
// Prints one JSON line with "peer": "cpp-loop"; "seconds" covers the training loop only.
#include <torch/torch.h>
#include <ATen/Parallel.h>
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace nn = torch::nn;

static std::vector<uint8_t> read_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  int err = 0;
  const char* msg = gzerror(f, &err);
  gzclose(f);
  if (n < 0 || err < 0) throw std::runtime_error(path + ": " + msg);
  return out;
}

static uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

// IDX: magic 0x0000 08 NDIM (unsigned bytes), NDIM big-endian u32 dims, then the data.
static torch::Tensor read_idx(const std::string& path) {
  auto raw = read_gz(path);
  if (raw.size() < 4 || raw[0] != 0 || raw[1] != 0 || raw[2] != 0x08)
    throw std::runtime_error(path + ": not an unsigned-byte IDX file");
  int ndim = raw[3];
  std::vector<int64_t> dims;
  size_t off = 4 + 4 * size_t(ndim), count = 1;
  for (int i = 0; i < ndim; i++) {
    dims.push_back(be32(&raw[4 + 4 * i]));
    count *= dims.back();
  }
  if (raw.size() != off + count) throw std::runtime_error(path + ": truncated");
  return torch::from_blob(raw.data() + off, dims, torch::kUInt8).clone();
}

// A Sequential that can sit inside another one: AnyModule needs a non-templated forward
// (the mnasnet.cpp pattern the libtorch static_assert points to).
struct BlockImpl : nn::SequentialImpl {
  using nn::SequentialImpl::SequentialImpl;
  torch::Tensor forward(torch::Tensor x) { return nn::SequentialImpl::forward(x); }
};
TORCH_MODULE(Block);

// fastai v2.7 ConvLayer: Sequential(conv (padding (ks-1)//2, bias only without BN), [BatchNorm2d],
// ReLU); init_linear: kaiming_uniform_ weight, N(0, 0.01) bias; BatchNorm weight 1, bias 1e-3.
static Block conv_layer(int64_t ni, int64_t nf, int64_t ks, int64_t stride, bool bn) {
  nn::Conv2d conv(nn::Conv2dOptions(ni, nf, ks).stride(stride).padding((ks - 1) / 2).bias(!bn));
  {
    torch::NoGradGuard ng;
    if (!bn) nn::init::normal_(conv->bias, 0.0, 0.01);
    nn::init::kaiming_uniform_(conv->weight);
  }
  Block s;
  s->push_back(conv);
  if (bn) {
    nn::BatchNorm2d b(nf);
    torch::NoGradGuard ng;
    b->bias.fill_(1e-3);
    b->weight.fill_(1.0);
    s->push_back(b);
  }
  s->push_back(nn::ReLU());
  return s;
}

static nn::Sequential simple_cnn(const std::vector<int64_t>& f, bool bn) {
  nn::Sequential m;
  size_t nl = f.size() - 1;
  for (size_t i = 0; i < nl; i++) m->push_back(conv_layer(f[i], f[i + 1], 3, 2, bn && i < nl - 1));
  Block pool;  // fastai PoolFlatten
  pool->push_back(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(1)));
  pool->push_back(nn::Flatten());
  m->push_back(pool);
  return m;
}

struct Stat { float mean, std; double near_zero; };

// The forward pass with a "hook" after every parameterised leaf module.
static torch::Tensor forward(nn::Sequential& model, torch::Tensor x, std::vector<Stat>* stats) {
  if (!stats) return model->forward(x);
  for (auto& block : *model) {
    auto seq = block.ptr<BlockImpl>();
    for (auto& leaf : *seq) {
      x = leaf.forward(x);
      if (!leaf.ptr()->parameters().empty()) {
        auto o = x.detach();
        stats->push_back({o.mean().item<float>(), o.std().item<float>(),
                          double((o <= 0.05).sum().item<int64_t>()) / double(o.numel())});
      }
    }
  }
  return x;
}

// fastai v2.7 combined_cos / combine_scheds. pcts is a float32 tensor there, so the phase
// position is computed in float32; the cosine itself in double.
static double sched_cos(double start, double end, double pos) {
  return start + (1 + std::cos(M_PI * (1 - pos))) * (end - start) / 2;
}
static double combined_cos(double pct_train, float pct, double start, double middle, double end) {
  const float pcts[3] = {0.0f, pct, pct + (1.0f - pct)};
  float pos = float(pct_train);
  int idx = pos >= pcts[1] ? 1 : 0;
  float actual = (pos - pcts[idx]) / (pcts[idx + 1] - pcts[idx]);
  return idx == 0 ? sched_cos(start, middle, actual) : sched_cos(middle, end, actual);
}

// Shortest decimal that reads back as the same double (what Python's repr prints).
static std::string repr(double v) {
  char buf[32];
  for (int p = 1; p <= 17; p++) {
    std::snprintf(buf, sizeof buf, "%.*g", p, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

static const char* arg_value(int& i, int argc, char** argv) {
  if (i + 1 >= argc) { std::fprintf(stderr, "%s needs a value\n", argv[i]); std::exit(64); }
  return argv[++i];
}

int main(int argc, char** argv) try {
  int64_t batch_size = 64, epochs = 1, threads = 2, max_batches = 0, seed = 42;
  double lr_max = 0.003;
  bool with_stats = false, valid = true, channels_last = false;
  std::string dir = "/usr/share/datasets/fashion-mnist";
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--batch-size") batch_size = std::atoll(arg_value(i, argc, argv));
    else if (a == "--epochs") epochs = std::atoll(arg_value(i, argc, argv));
    else if (a == "--threads") threads = std::atoll(arg_value(i, argc, argv));
    else if (a == "--max-batches") max_batches = std::atoll(arg_value(i, argc, argv));
    else if (a == "--lr") lr_max = std::atof(arg_value(i, argc, argv));
    else if (a == "--seed") seed = std::atoll(arg_value(i, argc, argv));
    else if (a == "--data") dir = arg_value(i, argc, argv);
    else if (a == "--stats") with_stats = true;
    else if (a == "--no-valid") valid = false;
    else if (a == "--channels-last") channels_last = true;
    else { std::fprintf(stderr, "unknown flag %s\n", a.c_str()); return 64; }
  }
  if (batch_size <= 0 || epochs <= 0 || threads <= 0) { std::fprintf(stderr, "bad flag value\n"); return 64; }
  at::set_num_threads(int(threads));

  auto train_x = read_idx(dir + "/train-images-idx3-ubyte.gz").to(torch::kFloat32).div_(255.0);
  auto train_y = read_idx(dir + "/train-labels-idx1-ubyte.gz").to(torch::kInt64);
  auto valid_x = read_idx(dir + "/t10k-images-idx3-ubyte.gz").to(torch::kFloat32).div_(255.0);
  auto valid_y = read_idx(dir + "/t10k-labels-idx1-ubyte.gz").to(torch::kInt64);
  auto d64 = train_x.to(torch::kFloat64);
  double mean = d64.mean().item<double>();
  double std = d64.std(/*unbiased=*/false).item<double>();  // population std
  train_x = train_x.sub_(float(mean)).div_(float(std)).unsqueeze(1).contiguous();
  valid_x = valid_x.sub_(float(mean)).div_(float(std)).unsqueeze(1).contiguous();

  torch::manual_seed(seed);
  auto model = simple_cnn({1, 16, 32, 64, 10}, true);
  const auto format = channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
  if (channels_last) {
    torch::NoGradGuard ng;
    for (auto& p : model->parameters())
      if (p.dim() == 4) p.set_data(p.contiguous(format));
  }
  torch::optim::Adam opt(model->parameters(),
                         torch::optim::AdamOptions(lr_max).betas({0.9, 0.999}).eps(1e-8).weight_decay(0));
  auto& hyper = static_cast<torch::optim::AdamOptions&>(opt.param_groups()[0].options());
  auto gen = at::make_generator<at::CPUGeneratorImpl>(uint64_t(seed));

  int64_t n = train_x.size(0), n_batches = n / batch_size;  // drop_last
  if (max_batches > 0 && max_batches < n_batches) n_batches = max_batches;
  std::vector<Stat> stats;
  if (with_stats) stats.reserve(size_t(n_batches * epochs * 7));
  int64_t images = 0;
  double seconds = 0, last_loss = NAN;
  double pct_train = 0;
  for (int64_t epoch = 0; epoch < epochs; epoch++) {
    pct_train = double(epoch) / double(epochs);
    model->train();
    auto perm = torch::randperm(n, gen, torch::kInt64);
    torch::Tensor loss;
    auto t0 = std::chrono::steady_clock::now();
    for (int64_t b = 0; b < n_batches; b++) {
      auto idx = perm.slice(0, b * batch_size, (b + 1) * batch_size);
      auto xb = train_x.index_select(0, idx).contiguous(format), yb = train_y.index_select(0, idx);
      hyper.lr(combined_cos(pct_train, 0.25f, lr_max / 25.0, lr_max, lr_max / 1e5));
      hyper.betas({combined_cos(pct_train, 0.25f, 0.95, 0.85, 0.95), 0.999});
      auto out = forward(model, xb, with_stats ? &stats : nullptr);
      loss = torch::nn::functional::cross_entropy(out, yb);
      opt.zero_grad();
      loss.backward();
      opt.step();
      pct_train += 1.0 / double(n_batches * epochs);
      images += idx.size(0);
    }
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    last_loss = loss.item<double>();
  }

  std::string vl = "null", va = "null";
  if (valid) {
    model->eval();
    torch::NoGradGuard ng;
    double loss_sum = 0;
    int64_t correct = 0, nv = valid_x.size(0);
    for (int64_t i = 0; i < nv; i += 1000) {
      auto xb = valid_x.slice(0, i, std::min(nv, i + 1000)), yb = valid_y.slice(0, i, std::min(nv, i + 1000));
      auto out = model->forward(xb);
      loss_sum += torch::nn::functional::cross_entropy(
          out, yb, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)).item<double>();
      correct += out.argmax(1).eq(yb).sum().item<int64_t>();
    }
    vl = repr(loss_sum / double(nv));
    va = repr(double(correct) / double(nv));
  }
  std::printf("{\"peer\": \"cpp-loop\", \"hooks\": \"%s\", \"batch_size\": %lld, \"images\": %lld, "
              "\"seconds\": %.4f, \"img_per_s\": %.1f, \"valid_loss\": %s, \"valid_acc\": %s, "
              "\"epochs\": %lld, \"batches\": %lld, \"threads\": %d, \"train_loss_last\": %.9g, "
              "\"stats_rows\": %zu, \"norm_mean\": %.6f, \"norm_std\": %.6f}\n",
              with_stats ? "stats" : "none", (long long)batch_size, (long long)images, seconds,
              seconds > 0 ? double(images) / seconds : 0.0, vl.c_str(), va.c_str(), (long long)epochs,
              (long long)(n_batches * epochs), at::get_num_threads(), last_loss, stats.size(), mean, std);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "cpp_loop: %s\n", e.what());
  return 1;
}
