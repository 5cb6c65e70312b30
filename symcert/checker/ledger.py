"""What a verdict rests on: every ledger entry the checker can report, in one place (trusted).

Certificates store these strings in their ``rests_on`` lists, so each is part of the format: a
changed text changes every certificate that rests on it.
"""

POLY_T = "exact polynomial arithmetic in t (python-flint fmpq_poly)"  # descent.py
ISOLATION = ("exact real-root isolation: Descartes' rule of signs on Moebius-transformed polynomials with bisection "
             "(Vincent-Collins-Akritas), exact fmpq_poly arithmetic")  # path.py
GORDAN = "Gordan's alternative: y >= 0, y != 0, sum_j y_j s_j (x_j, 1) = 0 makes the open sign cell empty (exact check)"  # cells.py
DENSITY = ("cover: layer-1 kinked pre-activations are nonconstant affine in the parameters; the risk is continuous, so a bound "
           "on every nonempty open layer-1 cell (deeper kinks: both closed sides) bounds it on the whole box")  # cells.py
Z3_CELLS = "z3 nonlinear real arithmetic per cell: 'unsat' (no proof object)"  # cells.py
LOSS_IF = ("loss kinks: the loss is If-encoded on named output variables, so each per-cell z3 query covers "
           "every sub-cell the loss's own kinks cut out of the activation cell")  # cells.py
EXCEPTIONS = ("lemma: outputs on samples sharing one pattern column are affine in x; other samples have zero residual; "
              "normal equations give risk >= l0 on the cell")  # cells.py
POLY_LAMBDA = "exact polynomial arithmetic in lambda (python-flint fmpq_poly)"  # split.py
SPLIT_LEMMA = ("lemma: the copy's pre-activation equals r's (same incoming weights), so the lambda-coefficient of "
                "layer l+1 vanishes identically and every partial derivative is affine in lambda; zero at lambda = 0 and 1 "
                "implies zero for every lambda")  # split.py
POLY_MPOLY = "exact multivariate polynomial arithmetic over Q (python-flint fmpq_mpoly)"  # multilinear.py
MB_LEMMA = ("lemma (Morse-Bott): gradient zero on an embedded C^2 manifold through the point and a PSD "
            "Hessian whose kernel is the manifold's tangent space imply a local minimum")  # smooth_hessian.py
LINEAR_LEMMA = ("lemma: an activation with no breakpoints is affine on R, so every parameter computes an affine map "
         "x -> P x + c; the normal equations R X^T = 0, R 1 = 0 give l0(A') = l0(A) + 1/2 ||(A' - A) X~||^2 >= l0(A) "
         "for every affine map A' (least-squares optimality, exact)")  # linear.py
SYMPY = "exact symbolic arithmetic (sympy, automatic evaluation)"  # smooth.py
SIMPLIFY = "sympy simplification (sympy.simplify)"  # smooth.py
CONVEX_OUTPUT_LEMMA = ("lemma: if the network output is convex in x on the convex hull of the inputs for every "
                "parameter in the box, the output vector satisfies f_k <= sum_i lambda_i f_i for each listed "
                "convex combination, and the KKT multipliers bound the loss over that cone from below")  # smooth_obligations.py
YUN_THEOREM = ("Yun, Sra, Jadbabaie (ICLR 2019), Theorem 2 part 2: C2.3-C2.7 imply a local minimum "
               "(the paper's proof, not re-derived by the checker)")  # smooth_obligations.py
POLY_ETA = "exact univariate polynomial arithmetic over Q (python-flint fmpq_poly)"  # valley.py
CONVEX_MULTIPLIER_LEMMA = ("lemma: for a convex loss, multipliers in the subdifferential at the affine fit with "
         "G X~^T = 0 give sum ell(A x~) >= sum ell(Abar x~) for every affine A (subgradient inequality)")  # convex.py
RATIONAL = "exact rational arithmetic (python-flint fmpq)"  # obligations.py
AFFINE_LEMMA = "lemma: normal equations imply l(A) = l0 + 1/2 ||(A - Wbar) X~||^2 >= l0 for every affine A"  # obligations.py
Z3_NRA = "z3 nonlinear real arithmetic: 'unsat' (no proof object)"  # obligations.py
PD_LEMMA = "lemma: zero gradient and a positive definite Hessian imply a strict local minimum"  # smooth_hessian.py
SECOND_ORDER_DESCENT = "lemma: at a critical point, d^T H d < 0 gives L(theta + t d) < L(theta) for small t != 0"  # smooth_obligations.py

LIFTED_LEMMA = ("lemma: inside the cell the outputs are Z Phi^T for lifted variables Z; multipliers in the loss's "
         "subdifferential with G Phi = 0 make the point's Z a global minimiser of the convex lifted risk "
         "(subgradient inequality), so no point of the box has lower risk")  # lifted.py
CELL_MINIMA_LEMMA = ("lemma: on a one-hidden-layer cell the risk is f(w) for the lifted variables w = (W2_i (W1_i, b1_i), W2_i, b2) "
         "and a convex f; G Phi = 0 makes the point a global minimum over the cell; on the signed cell w is a diffeomorphism "
         "onto an open convex cone, so every local minimum there is global and the minimisers are connected")  # cellmin.py
NEURON_IDENTITY = ("lemma (per neuron): every free coordinate is the bias or output weight of a neuron whose input weights "
                   "are exactly 0; such a neuron adds one constant to every output, which the output bias cancels, so every "
                   "residual r_i keeps its value on the manifold; a zero gradient at the point and sum_i r_i x_i = 0 then make "
                   "the gradient vanish on the whole manifold (it is differentiated along it: H T = 0)")  # manifold.py
NEURON_BLOCKS = ("lemma (per neuron): on the coordinates off the manifold the Hessian is J^T J (PSD) plus one curvature "
                 "block per neuron; every block positive definite, and the output bias's column of J all ones, make it "
                 "positive definite")  # smooth_hessian.py
MANIFOLD_IDENTITY = ("exact symbolic arithmetic (sympy.expand) with the activation and its derivative as undefined functions "
                     "h0, h1: the identity holds for every activation")  # manifold.py

LAURENT_LEMMA = ("lemma: a Laurent polynomial whose coefficients are >= 0 and not all 0 is > 0 for every alpha > 0; "
         "inside the box every neuron keeps its piece, so the risk is >= l0 there")  # continuum.py

CONVEX_LINEAR_LEMMA = ("lemma: with no breakpoints every parameter computes an affine map A'; for a convex loss differentiable at the "
         "point's outputs, D X~^T = 0 gives l0(A') >= l0(A) + <D, (A' - A) X~> = l0(A) for every A' (global optimality)")  # convex_linear.py

LAURENT_POLY = "exact Laurent-polynomial arithmetic in alpha over the rationals (python-flint fmpq)"  # continuum.py

KRAWCZYK = ("lemma (Krawczyk): K(B) = c - Y g(c) + (I - Y H(B))(B - c) strictly inside B implies exactly one "
            "zero of the gradient in B")  # krawczyk.py
LDL = ("lemma (Sylvester): every pivot of the LDL^T factorisation of a symmetric matrix positive implies it is "
       "positive definite; block pivots by Schur complements")  # krawczyk.py
CURVATURE = "lemma: a critical point with v^T H v < 0 and e^T H e > 0 is a saddle point"  # krawczyk.py
GAUGE = ("lemma (positive rescaling, Euler's identity): with a positively homogeneous activation and one non-zero "
         "outgoing weight per hidden neuron held fixed, a critical point of the risk on that slice is a critical point "
         "of the risk, and a strict minimum on the slice is a local minimum")  # gauge.py


def ARB(prec: int) -> str:
    """Ledger entry of a decision by arb balls at ``prec`` bits."""
    return f"arb ball arithmetic, outward rounded, at {prec} bits (python-flint arb)"

# population_obligations.py
KRAWCZYK_POP = ("lemma (Krawczyk 1969, Rump 1983): with H(B) enclosing the Hessian over the box B, Y any matrix, "
            "K(B) = c - Y g(c) + (I - Y H(B))(B - c) strictly inside B implies exactly one zero of the gradient in B, "
            "and it lies in K(B)")
TAYLOR_POP = "lemma (Taylor at the critical point x*): F(c) = F(x*) + 1/2 (c - x*)^T H(xi) (c - x*), xi in B"
SYLVESTER_POP = ("lemma (Sylvester): all pivots of the LDL^T of a symmetric matrix positive implies positive definite; "
             "positive definite Hessian at a critical point implies a strict local minimum")
WEYL_POP = "lemma (Weyl): |lambda_min(M + E) - lambda_min(M)| <= ||E||_2 <= ||E||_F for symmetric M, E"
CURVATURE_POP = "lemma: a critical point with v^T H v < 0 and some e_i^T H e_i > 0 is a saddle point"
GLOBAL_POP = ("lemma: F >= 0 (half the expectation of a square) and F = 0 where the student equals the teacher "
          "(w_i = v_i for i <= m, w_i = 0 beyond), so 0 is the global minimum")

LAYER_BOX_LEMMA = ("lemma: on a region where every parameter computes an affine map of the data, variables of one layer that "
                   "reach every affine map exactly once, and a convex loss: the one zero of the gradient in the variables' box "
                   "(Krawczyk) is the minimum over every affine map, so the point with those variables is a minimum of the risk "
                   "on the region (a global one when the region is every parameter)")  # layer_box.py

TAYLOR_LOGISTIC = ("lemma: log(1 + e^(-y u)) - log 2 = -y u / 2 + log cosh(u / 2) is analytic for |u| < pi, so along a curve "
                   "whose outputs vanish at t = 0 the risk change equals its exact Taylor polynomial through t^N up to O(t^(N+1))")  # taylor.py

SPLIT_MAP = ("lemma (split map): s_lambda(p), neuron r duplicated with outgoing weights (1 - lambda) v and lambda v, computes "
             "the same function as p, and its gradient is the merged gradient, or (1 - lambda) and lambda times r's incoming "
             "gradient, or r's outgoing gradient: a critical point p maps to a critical point for every lambda")  # split_box.py
SPLIT_DEGREE = ("lemma: at s_lambda(p) lambda enters only through the copies' outgoing weights (1 - lambda) v, lambda v; "
                "the outputs' Jacobian and second derivatives are affine in lambda, so each Hessian entry has degree <= 2 and "
                "d_lambda^T H d_lambda (d_lambda affine) degree <= 4: its values at 5 nodes determine it")  # split_box.py
